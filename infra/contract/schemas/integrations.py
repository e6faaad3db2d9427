"""Integrations: the AI assistant's and SGP's settings, and the assistant's trial answer."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from infra.contract.schemas.common import Shape, Timestamp, mirror
from niochat.integrations import views


class BusinessFacts(Shape):
    site: str
    address: str
    opening_hours: str
    plans: str
    installation_time: str
    fees: str
    documents: str
    notes: str


AiSettings = mirror(
    "AiSettings",
    views.AiSettingsView,
    persona=(str, Field(description="Style and persona text added to the system prompt")),
    business=(BusinessFacts, Field(description="What the assistant may tell customers (empty: not told)")),
    temperature=(float, Field(ge=0, le=2)),
    base_url=(str, Field(description="Any OpenAI-compatible server (default https://api.openai.com/v1)")),
    api_key=(str | None, Field(description="Masked (`abcd…wxyz`); null: the deployment's default key is used")),
)
SgpSettings = mirror(
    "SgpSettings",
    views.SgpSettingsView,
    token=(str | None, Field(description="Masked (`abcd…wxyz`); sending the mask back leaves it unchanged")),
)


class FunctionCall(Shape):
    name: str
    arguments: dict[str, Any]
    result_summary: str = Field(description="One line of what the tool answered (no codes, no secrets)")


class AssistantTrial(Shape):
    response: str = Field(description="What the customer would have received (the answer and any invoice)")
    function_calls: list[FunctionCall]
    needs_input: bool = Field(description="The conversation would wait for the customer (no close, no hand-off)")


class WhatsAppInbox(Shape):
    inbox_id: int
    name: str | None
    provider: str | None
    instance: str | None
    is_active: bool
    ai_enabled: bool
    connection_status: str | None
    last_seen_at: Timestamp | None = Field(description="When the provider last reported the connection (null: never)")
    webhook_url: str | None = Field(None, description="Masked; admins only")


class ChannelIntegration(Shape):
    provedor: int
    channel: str = Field(description="whatsapp, telegram, email or webchat")
    inboxes: list[WhatsAppInbox] | None = Field(
        None, description="WhatsApp: its inboxes (each configured at /api/inboxes/)"
    )
    settings: dict[str, Any] | None = Field(
        None, description="Telegram, e-mail, webchat: the stored settings (secrets masked; agents get none)"
    )
    stores_only: bool | None = Field(None, description="True: nothing delivers on this channel yet")
    updated_at: Timestamp | None = None
