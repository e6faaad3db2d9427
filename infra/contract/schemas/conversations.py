"""Conversations and the results of their actions."""

from __future__ import annotations

from typing import Literal

from infra.contract.schemas.common import Attributes, Person, Shape, Timestamp
from infra.contract.schemas.contacts import ConversationContact
from infra.contract.schemas.inboxes import InboxSummary
from infra.contract.schemas.messages import MessagePreview

ConversationStatus = Literal["open", "pending", "snoozed", "closed"]


class TeamRef(Shape):
    id: int
    name: str


class Conversation(Shape):
    id: int
    contact: ConversationContact | None
    inbox: InboxSummary | None
    assignee: Person | None
    team: TeamRef | None
    status: ConversationStatus
    additional_attributes: Attributes
    last_message: MessagePreview | None
    last_message_at: Timestamp | None
    unread_count: int
    closed_at: Timestamp | None
    resolution_notes: str | None
    provedor: int
    created_at: Timestamp
    updated_at: Timestamp


class ActionResult(Shape):
    success: bool
    message: str
    conversation: Conversation
