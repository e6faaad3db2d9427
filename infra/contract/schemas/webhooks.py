"""The WhatsApp providers' deliveries (and the secret the CSAT webhook shares with them)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from infra.contract.schemas.common import Shape


class WebhookQuery(BaseModel):
    secret: str | None = Field(None, description="The secret of the inbox's webhook URL")


class WebhookResult(Shape):
    """What the delivery did (`stored`, `duplicate`, `ignored`, …) and to which message and conversation."""

    status: str
    event: str | None = None
    reason: str | None = None
    message_id: int | None = None
    conversation_id: int | None = None
    contact_id: int | None = None
    media_status: str | None = None
    feedback_id: int | None = Field(None, description="A CSAT answer (`event: csat_answer`): the feedback stored")
    rating: int | None = None
