"""Recovery settings per provedor (admins change them; superadmins name the provedor)."""

from __future__ import annotations

from typing import Any

from niochat.domain import recovery
from niochat.domain.users import Principal
from niochat.errors import PermissionDenied
from niochat.recovery.models import RecoveryPatch
from niochat.store import recovery as store
from niochat.store import settings_items
from niochat.store.table import Item


def require_admin(caller: Principal) -> None:
    if not caller.is_admin:
        raise PermissionDenied("Apenas administradores podem ver ou alterar a recuperação de conversas")


def view(provedor_id: int, stored: Item | None) -> dict[str, Any]:
    current = recovery.RecoverySettings.of(stored)
    shown: dict[str, Any] = {"provedor": provedor_id}
    shown.update({name: getattr(current, name) for name in recovery.FIELDS})
    shown["keywords"] = list(current.keywords)
    shown["auto_recovery"] = current.enabled  # the seed's name for the same switch
    shown["placeholders"] = [f"{{{name}}}" for name in recovery.PLACEHOLDERS]
    shown["updated_at"] = (stored or {}).get("updated_at")
    return shown


def read(provedor_id: int) -> dict[str, Any]:
    return view(provedor_id, store.read_settings(provedor_id))


def update(caller: Principal, provedor_id: int, body: RecoveryPatch) -> dict[str, Any]:
    require_admin(caller)
    stored = store.read_settings(provedor_id) or {}
    changes = {name: getattr(body, name) for name in recovery.FIELDS if getattr(body, name) is not None}
    if body.auto_recovery is not None and body.enabled is None:
        changes["enabled"] = body.auto_recovery
    race = "As configurações de recuperação mudaram ao mesmo tempo. Tente novamente"
    item = settings_items.save(store.settings_key(provedor_id), store.SETTINGS, provedor_id, stored, changes, race=race)
    return view(provedor_id, item)
