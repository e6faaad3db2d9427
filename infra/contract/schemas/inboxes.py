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
    settings: dict[str, Any] = Field(
        description="Per channel; the fields its settings declare secret (and any key they don't declare) are "
        "masked (`abcd…wxyz`) except in the creation's 201"
    )
    webhook_url: str | None
    webhook_secret: str | None
    connection_status: str | None
    created_at: Timestamp
    updated_at: Timestamp | None


class InboxSecretRotated(Inbox):
    """An inbox right after the rotation of its webhook secret: the new secret and its URL in full, this once."""

    webhook_url: str = Field(description="The full delivery URL with the new secret (shown this once)")
    webhook_secret: str = Field(description="The new secret (shown this once); the previous one no longer works")


class InboxSummary(Shape):
    id: int
    name: str
    channel_type: ChannelType
    is_active: bool | None
    created_at: Timestamp | None
    provedor: int
