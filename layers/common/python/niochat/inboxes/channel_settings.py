"""The `settings` each channel takes, and which of them are secrets.

Every channel has one model; unknown keys are refused. A field marked SECRET (at any depth: a nested model's
field too) is shown masked in every response but the one that creates the inbox, whatever its name
(niochat.domain.masking.mask_secrets with the tree `secrets_of` builds from the model). A stored key the model
does not declare (settings written before the models) is masked too: what is not declared public is secret.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Annotated, Any, Literal, Union, cast, get_args, get_origin
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt

from niochat.domain import validation
from niochat.domain.masking import SecretTree
from niochat.errors import ValidationError
from niochat.http.request import validate
from niochat.models import RequestModel

MAX_SETTINGS_BYTES = 16 * 1024


class _Secret:
    """The marker of a secret field: `Annotated[str | None, SECRET]`."""

    def __repr__(self) -> str:
        return "SECRET"


SECRET = _Secret()


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


def _host(value: str) -> str:
    value = value.strip().lower()
    if not value or any(ch.isspace() or ch in "/@:?#" for ch in value):
        raise ValueError("Informe o nome do servidor (sem protocolo nem porta)")
    return value


def _origin(value: str) -> str:
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
        raise ValueError("Informe uma origem http(s), como https://www.exemplo.com.br")
    return value


def _color(value: str) -> str:
    value = value.strip()
    if len(value) != 7 or value[0] != "#" or any(ch not in "0123456789abcdefABCDEF" for ch in value[1:]):
        raise ValueError("Informe uma cor no formato #RRGGBB")
    return value


Text = Annotated[str, Field(min_length=1, max_length=255), AfterValidator(validation.name)]
Token = Annotated[str, Field(min_length=1, max_length=512), AfterValidator(_token), SECRET]


class ChannelSettings(RequestModel):
    """What every channel's settings share: unknown keys are refused (a typo, or a secret nobody declared)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class WhatsAppSettings(ChannelSettings):
    """What the provider client (Uazapi or Evolution) needs."""

    provider: Literal["uazapi", "evolution"]
    base_url: Annotated[str, Field(min_length=1, max_length=2048), AfterValidator(_base_url)]
    instance: Text
    token: Token
    group_messages: StrictBool = False
    ai_enabled: StrictBool = False


class TelegramSettings(ChannelSettings):
    bot_token: Token
    bot_username: Text | None = None
    ai_enabled: StrictBool | None = None


class MailServer(ChannelSettings):
    host: Annotated[str, Field(min_length=1, max_length=255), AfterValidator(_host)]
    port: Annotated[StrictInt, Field(ge=1, le=65535)]
    security: Literal["ssl", "starttls", "none"] = "ssl"
    username: Text | None = None
    password: Annotated[str | None, Field(max_length=512), SECRET] = None


class EmailSettings(ChannelSettings):
    address: Annotated[str | None, AfterValidator(validation.email)] = None
    display_name: Text | None = None
    imap: MailServer | None = None
    smtp: MailServer | None = None
    signature: Annotated[str | None, Field(max_length=10_000)] = None
    ai_enabled: StrictBool | None = None


class WebchatSettings(ChannelSettings):
    welcome: Annotated[str | None, Field(max_length=1000)] = None
    widget_color: Annotated[str | None, AfterValidator(_color)] = None
    allowed_origins: Annotated[list[Annotated[str, AfterValidator(_origin)]] | None, Field(max_length=20)] = None
    # The key the site signs its visitors' identity with (HMAC): a secret whatever it is called.
    hmac_key: Annotated[str | None, Field(min_length=16, max_length=256), SECRET] = None
    ai_enabled: StrictBool | None = None


MODELS: dict[str, type[ChannelSettings]] = {
    "whatsapp": WhatsAppSettings,
    "telegram": TelegramSettings,
    "email": EmailSettings,
    "webchat": WebchatSettings,
}


def _marked(annotation: Any) -> bool:
    if get_origin(annotation) is Annotated:
        inner, *metadata = get_args(annotation)
        return any(isinstance(m, _Secret) for m in metadata) or _marked(inner)
    return any(_marked(arg) for arg in get_args(annotation))


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models a field holds (directly, optionally, or in a list), for the secrets' nesting."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if get_origin(annotation) in (Annotated, Union, list) or get_args(annotation):
        return [model for arg in get_args(annotation) for model in _models_in(arg)]
    return []


def _tree(model: type[BaseModel]) -> SecretTree:
    tree: SecretTree = {}
    for name, info in model.model_fields.items():
        if any(isinstance(m, _Secret) for m in info.metadata) or _marked(info.annotation):
            tree[name] = True
            continue
        nested = _models_in(info.annotation)
        tree[name] = _tree(nested[0]) if nested else False
    return tree


@cache
def secrets_of(channel_type: str) -> SecretTree:
    """The channel's settings as a tree of `name: True` (a secret), `False` (public) or a subtree (a nested
    model). Keys absent from the tree are secrets (niochat.domain.masking)."""
    model = MODELS.get(channel_type)
    return _tree(model) if model else {}


class _Body(RequestModel):
    settings: dict[str, Any]


def validate_settings(channel_type: str, raw: dict[str, Any] | None) -> dict[str, Any]:
    """`settings` validated for `channel_type`; a 400 names the inner field (e.g. `settings.token`)."""
    if channel_type == "whatsapp" and raw is None:
        raise ValidationError.field("settings", "Este campo é obrigatório")
    raw = validate(_Body, {"settings": raw or {}}).settings
    if len(json.dumps(raw, ensure_ascii=False, default=str)) > MAX_SETTINGS_BYTES:
        raise ValidationError.field("settings", f"Configurações excedem {MAX_SETTINGS_BYTES // 1024} KB")
    model = MODELS[channel_type]
    wrapper = _wrappers()[channel_type]
    settings = cast(Any, validate(wrapper, {"settings": raw})).settings
    assert isinstance(settings, model)
    # WhatsApp keeps its defaults (the provider client reads them); the others keep what was given.
    return settings.model_dump() if channel_type == "whatsapp" else settings.model_dump(exclude_none=True)


@cache
def _wrappers() -> dict[str, type[RequestModel]]:
    """One `{settings: <channel model>}` body per channel, so a 400 names `settings.<field>`."""
    from pydantic import create_model

    return {
        channel: create_model(f"{model.__name__}Body", __base__=RequestModel, settings=(model, ...))
        for channel, model in MODELS.items()
    }
