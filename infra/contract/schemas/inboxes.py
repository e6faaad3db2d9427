"""Inboxes (channels), in full and as conversations and contacts show them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from infra.contract.schemas.common import Shape, Timestamp

ChannelType = Literal["whatsapp", "telegram", "email", "webchat"]


class Inbox(Shape):
    id: int
    name: str
    channel_type: ChannelType
    channel: int | None
    is_active: bool
    provedor: int
    settings: dict[str, Any] = Field(description="Secrets masked (`abcd…wxyz`) except in the creation's 201")
    webhook_url: str | None
    webhook_secret: str | None
    connection_status: str | None
    created_at: Timestamp
    updated_at: Timestamp | None


class InboxSummary(Shape):
    id: int
    name: str
    channel_type: ChannelType
    is_active: bool | None
    created_at: Timestamp | None
    provedor: int
