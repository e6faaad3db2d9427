"""Contacts, as their endpoints and as conversations show them."""

from __future__ import annotations

from pydantic import Field

from infra.contract.schemas.common import Attributes, Shape, Timestamp
from infra.contract.schemas.inboxes import InboxSummary


class _ContactFields(Shape):
    id: int
    name: str
    email: str | None
    phone: str = Field(description="E.164, e.g. +5511999999999")
    avatar: str | None
    provedor: int
    additional_attributes: Attributes
    created_at: Timestamp
    updated_at: Timestamp
    is_online: bool
    last_seen: Timestamp | None
    conversation_count: int
    unread_messages: int


class Contact(_ContactFields):
    inbox: int | None


class ConversationContact(_ContactFields):
    inbox: InboxSummary | None
