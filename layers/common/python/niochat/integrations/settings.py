"""The AI assistant's and SGP's settings of a provedor: read and changed by its admins (superadmins name the
provedor). Secrets go to niochat.store.secrets; responses show them masked (`abcd…wxyz`) and never in full."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from niochat.domain import assistant
from niochat.domain.masking import mask
from niochat.domain.users import Principal
from niochat.errors import PermissionDenied, ValidationError
from niochat.integrations import views
from niochat.integrations.models import AiSettingsPatch, SgpSettingsPatch
from niochat.store import integrations as store
from niochat.store import secrets, settings_items
from niochat.store.table import Item

logger = Logger(child=True)
AI_KEY, SGP_TOKEN = "ai-api-key", "sgp-token"
MIN_SECRET = 8


def require_admin(caller: Principal) -> None:
    if not caller.is_admin:
        raise PermissionDenied("Apenas administradores podem ver ou alterar as integrações")


def read_ai(provedor_id: int) -> views.AiSettingsView:
    return views.ai_settings(provedor_id, store.read(provedor_id, store.AI))


def read_sgp(provedor_id: int) -> views.SgpSettingsView:
    return views.sgp_settings(provedor_id, store.read(provedor_id, store.SGP))


# -- changes -------------------------------------------------------------------------------------------------
def _secret(
    provedor_id: int, stored: Item, sent: str | None, name: str, field_name: str, prefix: str
) -> tuple[dict[str, Any], bool]:
    """The settings' changes for a secret sent in a PATCH, and whether the old parameter is to be deleted:
    nothing (not sent, or its mask sent back), a new SSM version, or removal (an empty string)."""
    if sent is None or sent == stored.get(f"{prefix}_mask"):
        return {}, False
    value = sent.strip()
    if not value:
        return {f"{prefix}_mask": None, f"{prefix}_version": 0}, bool(stored.get(f"{prefix}_version"))
    if len(value) < MIN_SECRET or any(ch.isspace() for ch in value):
        raise ValidationError.field(field_name, "Informe um valor válido (ao menos 8 caracteres, sem espaços)")
    version = secrets.put(secrets.name_of(provedor_id, name), value)
    return {f"{prefix}_mask": mask(value), f"{prefix}_version": version}, False


def drop_secret(provedor_id: int, name: str) -> None:
    """Delete a secret the settings no longer point at (a failure leaves an orphan, never used again)."""
    try:
        secrets.delete(secrets.name_of(provedor_id, name))
    except Exception:  # the settings no longer point at it: an orphan parameter, never used again
        logger.warning("could not delete a removed secret", extra={"provedor_id": provedor_id, "secret": name})


def _save(
    provedor_id: int, kind: str, stored: Item, changes: dict[str, Any], secret: str, field: str, sent: str | None
) -> Item:
    """Store the settings' `changes` with the secret sent in `field` (SSM's parameter `secret`), then delete the
    parameter of a secret removed."""
    secret_changes, drop = _secret(provedor_id, stored, sent, secret, field, field)
    saved = settings_items.save(
        store.key(provedor_id, kind), store.TYPES[kind], provedor_id, stored, {**changes, **secret_changes}
    )
    if drop:
        drop_secret(provedor_id, secret)
    return saved


def update_ai(caller: Principal, provedor_id: int, body: AiSettingsPatch) -> views.AiSettingsView:
    require_admin(caller)
    stored = store.read(provedor_id, store.AI) or {}
    changes: dict[str, Any] = {
        name: getattr(body, name)
        for name in ("enabled", "assistant_name", "persona", "model", "temperature", "base_url")
        if getattr(body, name) is not None
    }
    if body.business is not None:
        facts = dict(stored.get("business") or {})
        for name, value in body.business.model_dump(exclude_none=True).items():
            facts[name] = value.strip()
        changes["business"] = {name: value for name, value in facts.items() if value}
    moved = body.base_url is not None and body.base_url != assistant.AiSettings.of(stored).base_url
    if moved and stored.get("api_key_version") and body.api_key in (None, stored.get("api_key_mask")):
        # The stored key is for the old server: never send it to a new one (as SGP's token).
        raise ValidationError.field("api_key", "Informe a chave de API novamente ao mudar a URL do servidor")
    return views.ai_settings(
        provedor_id, _save(provedor_id, store.AI, stored, changes, AI_KEY, "api_key", body.api_key)
    )


def update_sgp(caller: Principal, provedor_id: int, body: SgpSettingsPatch) -> views.SgpSettingsView:
    require_admin(caller)
    stored = store.read(provedor_id, store.SGP) or {}
    changes: dict[str, Any] = {
        name: getattr(body, name) for name in ("enabled", "url") if getattr(body, name) is not None
    }
    if body.app is not None:
        changes["app"] = body.app.strip()
    token_kept = bool(stored.get("token_version")) if body.token in (None, stored.get("token_mask")) else None
    moved = body.url is not None and bool(stored.get("url")) and body.url != stored.get("url")
    if moved and token_kept is not None and stored.get("token_version"):
        # The stored token is for the old server: never send it to a new one (its mask sent back keeps it too).
        raise ValidationError.field("token", "Informe o token novamente ao mudar o endereço do SGP")
    has_token = token_kept if token_kept is not None else bool((body.token or "").strip())
    if {**stored, **changes}.get("enabled") and not ({**stored, **changes}.get("url") and has_token):
        raise ValidationError.field("enabled", "Para ativar o SGP, informe a URL e o token")
    return views.sgp_settings(
        provedor_id, _save(provedor_id, store.SGP, stored, changes, SGP_TOKEN, "token", body.token)
    )
