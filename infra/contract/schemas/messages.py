"""Messages of a conversation, in full and as a conversation's last message."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from infra.contract.schemas.common import Attributes, Person, Shape, Timestamp


class MessagePreview(Shape):
    id: int
    conversation: int
    message_type: str
    media_type: str
    file_url: str | None
    content: str | None
    is_from_customer: bool
    created_at: Timestamp
    external_id: str | None
    additional_attributes: Attributes
    status: str | None


class ProviderFailure(Shape):
    status: int | None
    message: str


class Message(MessagePreview):  # what a conversation's `last_message` shows, and more (niochat.messages.views)
    message_type: Literal["incoming", "outgoing", "activity"]
    file_url: str | None = Field(description="The API's media URL (a redirect to a short-lived S3 link)")
    file_name: str | None = Field(description="As the customer (or the agent's upload) named the file")
    mime_type: str | None
    sender: Person | None
    updated_at: Timestamp | None
    error: ProviderFailure | None
    media_status: Literal["pending", "ready", "too_large", "failed"] | None = Field(
        description="A file's state: `pending` while the timers fetch it from WhatsApp, then `ready`, or "
        "`failed` after the last attempt, or `too_large`; null for a message without a file"
    )
    media_error: str | None = Field(description="Why the file is not available (the last attempt's error)")
