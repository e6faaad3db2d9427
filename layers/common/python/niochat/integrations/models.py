"""Request models of the integrations' settings. A secret field (`api_key`, `token`) sent back as the mask it
was shown means "unchanged"; an empty string removes it."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictBool, StrictInt

from niochat.channels.egress import server_url
from niochat.models import RequestModel

MAX_FACT = 2000
Url = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(server_url)]
Fact = Annotated[str, Field(max_length=MAX_FACT)]
Secret = Annotated[str, Field(max_length=500)]


def _model_name(value: str) -> str:
    value = value.strip()
    if not value or any(ch.isspace() for ch in value):
        raise ValueError("Informe o nome do modelo, sem espaços")
    return value


def _name(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("Este campo não pode ficar em branco")
    return value


class BusinessFacts(RequestModel):
    site: Fact | None = None
    address: Fact | None = None
    opening_hours: Fact | None = None
    plans: Fact | None = None
    installation_time: Fact | None = None
    fees: Fact | None = None
    documents: Fact | None = None
    notes: Fact | None = None


class AiSettingsPatch(RequestModel):
    enabled: StrictBool | None = None
    assistant_name: Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_name)] | None = None
    persona: Annotated[str, Field(max_length=MAX_FACT)] | None = None
    # Facts sent replace the stored ones field by field; an empty string removes one.
    business: BusinessFacts | None = None
    model: Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_model_name)] | None = None
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    base_url: Url | None = None
    api_key: Secret | None = None
    provedor: StrictInt | None = None  # a superadmin names the provedor


class SgpSettingsPatch(RequestModel):
    enabled: StrictBool | None = None
    url: Url | None = None
    token: Secret | None = None
    app: Annotated[str, Field(max_length=100)] | None = None
    provedor: StrictInt | None = None


Text = Annotated[str, Field(max_length=1000)]
Host = Annotated[str, Field(max_length=255, pattern=r"^[A-Za-z0-9.-]*$")]
Port = Annotated[StrictInt, Field(ge=1, le=65535)]


class WebchatPatch(RequestModel):
    widget_color: Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")] | None = None
    welcome_message: Text | None = None
    pre_chat_form: Annotated[list[Literal["name", "email", "phone"]], Field(max_length=3)] | None = None
    business_hours: Text | None = None
    provedor: StrictInt | None = None


class EmailPatch(RequestModel):
    imap_host: Host | None = None
    imap_port: Port | None = None
    imap_tls: StrictBool | None = None
    smtp_host: Host | None = None
    smtp_port: Port | None = None
    smtp_tls: StrictBool | None = None
    username: Annotated[str, Field(max_length=255)] | None = None
    password: Secret | None = None
    provedor: StrictInt | None = None


class TelegramPatch(RequestModel):
    bot_token: Secret | None = None  # checked by niochat.integrations.channels (its mask may come back)
    bot_username: Annotated[str, Field(max_length=64)] | None = None
    provedor: StrictInt | None = None


ChannelPatch = WebchatPatch | EmailPatch | TelegramPatch
CHANNEL_MODELS: dict[str, type[RequestModel]] = {
    "webchat": WebchatPatch,
    "email": EmailPatch,
    "telegram": TelegramPatch,
}
