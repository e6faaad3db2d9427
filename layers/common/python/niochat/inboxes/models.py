"""Request models for inboxes, and the validation of `settings` for each channel type."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, ConfigDict, Field, StrictBool, StrictInt

from niochat.domain import validation
from niochat.errors import ValidationError
from niochat.http.request import validate
from niochat.models import RequestModel

ChannelType = Literal["whatsapp", "telegram", "email", "webchat"]
MAX_SETTINGS_BYTES = 16 * 1024

Name = Annotated[str, Field(min_length=1, max_length=validation.MAX_NAME), AfterValidator(validation.name)]


def _base_url(value: str) -> str:
    value = value.strip().rstrip("/")
    try:
        parts = urlsplit(value)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 0) >= 0
    except ValueError:  # e.g. a malformed IPv6 host or port
        valid = False
    if not valid or any(ch.isspace() for ch in value):
        raise ValueError("Informe uma URL http(s) válida")
    from niochat.channels import egress

    try:  # where the provider clients may connect (PROVIDER_ALLOW_LOOPBACK admits loopback, locally)
        egress.check(value)
    except egress.EgressRefused as refused:
        if refused.reason.startswith(egress.HOST_NOT_FOUND):
            raise ValueError("Endereço do provedor não encontrado (o nome não resolve)") from None
        if refused.reason.startswith(egress.USERINFO):
            raise ValueError("Informe a URL sem usuário e senha") from None
        raise ValueError(
            "Endereço do provedor não permitido: use um servidor público (sem endereços internos, de loopback "
            "ou de metadados)"
        ) from None
    return value


def _token(value: str) -> str:
    value = value.strip()
    if len(value) < 8 or any(ch.isspace() for ch in value):
        raise ValueError("Informe um token válido (ao menos 8 caracteres, sem espaços)")
    return value


def _free(value: dict[str, Any]) -> dict[str, Any]:
    if len(json.dumps(value, ensure_ascii=False)) > MAX_SETTINGS_BYTES:
        raise ValueError(f"Configurações excedem {MAX_SETTINGS_BYTES // 1024} KB")
    return value


class WhatsAppSettings(RequestModel):
    """What the provider client (Uazapi or Evolution) needs; unknown keys are refused to catch typos."""

    model_config = ConfigDict(extra="forbid")

    provider: Literal["uazapi", "evolution"]
    base_url: Annotated[str, Field(min_length=1, max_length=2048), AfterValidator(_base_url)]
    instance: Annotated[str, Field(min_length=1, max_length=255), AfterValidator(validation.name)]
    token: Annotated[str, Field(min_length=1, max_length=512), AfterValidator(_token)]
    group_messages: StrictBool = False
    ai_enabled: StrictBool = False


class _WhatsAppBody(RequestModel):
    settings: WhatsAppSettings


class _FreeBody(RequestModel):
    settings: Annotated[dict[str, Any], AfterValidator(_free)]


def channel_settings(channel_type: str, raw: dict[str, Any] | None) -> dict[str, Any]:
    """`settings` validated for `channel_type`; a 400 names the inner field (e.g. `settings.token`)."""
    if channel_type == "whatsapp":
        if raw is None:
            raise ValidationError.field("settings", "Este campo é obrigatório")
        return validate(_WhatsAppBody, {"settings": raw}).settings.model_dump()
    return validate(_FreeBody, {"settings": raw or {}}).settings


class InboxCreate(RequestModel):
    name: Name
    channel_type: ChannelType
    provedor: StrictInt | None = None  # required for a superadmin (niochat.tenancy)
    settings: dict[str, Any] | None = None
    is_active: StrictBool = True
    channel: StrictInt | None = None  # the seed's `channel` id, kept as given


class InboxReplace(RequestModel):
    """PUT: every writable field; `settings` replaces the stored settings (omitted optional fields reset)."""

    name: Name
    channel_type: ChannelType
    provedor: StrictInt | None = None
    settings: dict[str, Any] | None = None
    is_active: StrictBool = True
    channel: StrictInt | None = None


class InboxPatch(RequestModel):
    """PATCH: only the fields sent; `settings` is merged key by key into the stored settings."""

    name: Name | None = None
    channel_type: ChannelType | None = None
    provedor: StrictInt | None = None
    settings: dict[str, Any] | None = None
    is_active: StrictBool | None = None
    channel: StrictInt | None = None


class InboxQuery(RequestModel):
    provedor: int | None = None
