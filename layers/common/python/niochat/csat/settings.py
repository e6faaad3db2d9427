"""CSAT settings per provedor, with per-inbox overrides, and the secret of the CSAT webhook.

The secret is generated here, returned once (by the rotation that creates it) and stored only as a hash: the
pointer's key, plus the settings' copy that lets a rotation delete the old pointer in the same transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from niochat import clock
from niochat.csat import views
from niochat.domain import csat
from niochat.domain.users import Principal
from niochat.errors import PermissionDenied, ValidationError
from niochat.store import csat as store
from niochat.store import settings_items
from niochat.store.inboxes import inboxes
from niochat.store.table import Item, table
from niochat.store.writes import Delete, Operation, Put

if TYPE_CHECKING:  # the request model (pydantic) is the REST handler's: the stream's CSAT listener never loads it
    from niochat.csat.models import SettingsPatch

WEBHOOK_PATH = "/api/csat/webhook/"
FIELDS = ("enabled", "delay_minutes", "expiry_minutes", "survey_text", "thanks_text")


def require_admin(caller: Principal) -> None:
    if not (caller.is_admin or caller.is_superadmin):
        raise PermissionDenied("Apenas administradores podem alterar as configurações de CSAT")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def effective(stored: Item | None, inbox_id: int | None) -> csat.Settings:
    """The settings that apply to a close in `inbox_id`."""
    overrides = (stored or {}).get("inboxes") or {}
    return csat.Settings.of(stored, overrides.get(str(inbox_id)) if inbox_id is not None else None)


def read(provedor_id: int) -> views.SettingsView:
    return views.settings(provedor_id, store.read_settings(provedor_id))


def _check_inboxes(provedor_id: int, ids: list[int]) -> None:
    if not ids:
        return
    found = {int(item["id"]) for item in table().batch_get([inboxes.key(provedor_id, i) for i in ids])}
    missing = sorted(set(ids) - found)
    if missing:
        raise ValidationError.field("inboxes", f"Inbox não encontrada: {missing[0]}")


def update(caller: Principal, provedor_id: int, body: SettingsPatch) -> views.SettingsView:
    """Change the fields sent (and the inbox overrides named); the rest stays."""
    require_admin(caller)
    stored = store.read_settings(provedor_id) or {}
    changes = {name: getattr(body, name) for name in FIELDS if getattr(body, name) is not None}
    overrides = dict(stored.get("inboxes") or {})
    if body.inboxes is not None:
        _check_inboxes(provedor_id, [int(key) for key, value in body.inboxes.items() if value is not None])
        for key, value in body.inboxes.items():
            given = {k: v for k, v in value.model_dump().items() if v is not None} if value is not None else {}
            if given:
                overrides[str(int(key))] = given
            else:
                overrides.pop(str(int(key)), None)
    saved = _save(provedor_id, stored, {**changes, "inboxes": overrides})
    return views.settings(provedor_id, saved)


def _save(provedor_id: int, stored: Item, changes: dict[str, Any], extra: list[Operation] | None = None) -> Item:
    """Write the settings item (optimistic: conditional on the version read), with `extra` in the same
    transaction."""
    race = "As configurações de CSAT mudaram ao mesmo tempo. Tente novamente"
    return settings_items.save(store.settings_key(provedor_id), store.SETTINGS, provedor_id, stored, changes, extra,
                               race)  # fmt: skip


def rotate_secret(caller: Principal, provedor_id: int, api_root: str) -> dict[str, Any]:
    """A new webhook secret (the old one stops working at once): the full URL, shown this once."""
    require_admin(caller)
    stored = store.read_settings(provedor_id) or {}
    secret = secrets.token_urlsafe(32)
    secret_hash = digest(secret)
    pointer_pk, pointer_sk = store.secret_key(secret_hash)
    now = clock.iso()
    pointer = {"PK": pointer_pk, "SK": pointer_sk, "type": "csat_secret", "provedor_id": provedor_id, "created_at": now}
    extra: list[Operation] = [Put("secret", pointer).when_absent()]
    old = stored.get("webhook_secret_hash")
    if old:
        extra.append(Delete("old_secret", *store.secret_key(str(old))))
    _save(provedor_id, stored, {"webhook_secret_hash": secret_hash}, extra)
    return {"webhook_url": f"{api_root}{WEBHOOK_PATH}?secret={secret}", "webhook_secret": secret, "created_at": now}


def provedor_of_secret(secret: str | None) -> int | None:
    """The provedor whose CSAT webhook secret this is (one GetItem), or None."""
    if not secret or len(secret) > 512:
        return None
    pointer = table().get(*store.secret_key(digest(secret)))  # a rotation deletes the old one atomically
    return int(pointer["provedor_id"]) if pointer is not None else None
