"""The provedor's channel integrations (GET/PATCH /api/integrations/{whatsapp,telegram,email,webchat}/).

WhatsApp is its inboxes (each configured at /api/inboxes/): the GET lists them — provider, instance,
connection status, masked webhook URL — and has no PATCH. Telegram, e-mail and webchat only *store* settings
today (nothing delivers on those channels yet: docs/api-decisions.md). Their secrets (Telegram's bot token, the
e-mail password) are SSM SecureStrings like the assistant's (niochat.store.secrets): admins see them masked,
agents not at all; a change is audited with the secret masked.
"""

from __future__ import annotations

import re
from typing import Any

from niochat import clock
from niochat.domain.audit import new_entry
from niochat.domain.masking import mask
from niochat.domain.users import Principal
from niochat.errors import PermissionDenied, ValidationError
from niochat.integrations import settings
from niochat.integrations.models import CHANNEL_MODELS, ChannelPatch
from niochat.models import RequestModel
from niochat.store import audit as audit_store
from niochat.store import counters, secrets, sequences, settings_items
from niochat.store import integrations as store
from niochat.store.inboxes import inboxes
from niochat.store.table import Item, table

# channel → its secret fields (stored in SSM; the item keeps `<field>_mask` and `<field>_version`)
SECRETS: dict[str, tuple[str, ...]] = {"telegram": ("bot_token",), "email": ("password",), "webchat": ()}
MAX_INBOXES = 100
TELEGRAM_TOKEN = re.compile(r"^\d{5,15}:[A-Za-z0-9_-]{20,100}$")


def whatsapp(caller: Principal, provedor_id: int) -> dict[str, Any]:
    """The provedor's WhatsApp inboxes (one Query); agents get no webhook URL."""
    found = table().query(inboxes.pk(provedor_id), limit=MAX_INBOXES, forward=False).items
    shown = []
    for inbox in found:
        if inbox.get("channel_type") != "whatsapp":
            continue
        settings = inbox.get("settings") or {}
        entry = {"inbox_id": inbox["id"], "name": inbox.get("name"), "provider": settings.get("provider"),
                 "instance": settings.get("instance"), "is_active": bool(inbox.get("is_active", True)),
                 "ai_enabled": bool(settings.get("ai_enabled")), "connection_status": inbox.get("connection_status"),
                 "last_seen_at": inbox.get("connection_updated_at")}  # fmt: skip
        if caller.is_admin:
            entry["webhook_url"] = inbox.get("webhook_url_masked")
        shown.append(entry)
    return {"provedor": provedor_id, "channel": "whatsapp", "inboxes": shown}


def view(caller: Principal, provedor_id: int, channel: str, stored: Item | None) -> dict[str, Any]:
    model = CHANNEL_MODELS[channel]
    stored = stored or {}
    settings: dict[str, Any] = {}
    for name in model.model_fields:
        if name == "provedor":
            continue
        if name in SECRETS[channel]:
            if caller.is_admin:
                settings[name] = stored.get(f"{name}_mask")
            continue
        settings[name] = stored.get(name)
    return {"provedor": provedor_id, "channel": channel, "settings": settings, "stores_only": True,
            "updated_at": stored.get("updated_at")}  # fmt: skip


def read(caller: Principal, provedor_id: int, channel: str) -> dict[str, Any]:
    if channel == "whatsapp":
        return whatsapp(caller, provedor_id)
    return view(caller, provedor_id, channel, store.read(provedor_id, channel))


def require_admin(caller: Principal) -> None:
    if not caller.is_admin:
        raise PermissionDenied("Apenas administradores podem alterar as integrações")


def model_of(channel: str) -> type[RequestModel]:
    """The request model of a channel's PATCH (WhatsApp has none: each inbox is configured on its own)."""
    if channel not in CHANNEL_MODELS:
        raise ValidationError("O WhatsApp é configurado em cada inbox: use PATCH /api/inboxes/{id}/")
    return CHANNEL_MODELS[channel]


def update(caller: Principal, provedor_id: int, channel: str, body: ChannelPatch) -> dict[str, Any]:
    """Only what changes is written and audited: a field sent as stored, or a secret sent back as its mask,
    changes nothing (a PATCH that changes nothing writes nothing). `""` removes a secret (and its parameter)."""
    require_admin(caller)
    stored = store.read(provedor_id, channel) or {}
    sent = body.model_dump(exclude_unset=True, exclude={"provedor"})
    changes: dict[str, Any] = {}
    audited: dict[str, Any] = {}
    removed: list[str] = []
    for name, value in sent.items():
        if name in SECRETS[channel]:
            if value is None or value == stored.get(f"{name}_mask"):
                continue
            if not str(value).strip():
                if stored.get(f"{name}_version"):
                    changes.update({f"{name}_mask": None, f"{name}_version": 0})
                    audited[name] = None
                    removed.append(name)
                continue
            if name == "bot_token" and not TELEGRAM_TOKEN.match(str(value).strip()):
                raise ValidationError.field(name, "Token de bot inválido (formato 123456789:ABC...)")
            version = secrets.put(secrets.name_of(provedor_id, f"{channel}-{name}"), str(value))
            changes.update({f"{name}_mask": mask(str(value)), f"{name}_version": version})
            audited[name] = mask(str(value))
        elif stored.get(name) != value:
            changes[name] = value
            audited[name] = value
    if not changes:
        return view(caller, provedor_id, channel, stored)
    ids = sequences.next_tenant_ids(provedor_id, "audit")
    entry = new_entry(ids["audit"], provedor_id, "integration_updated", caller, {"channel": channel,
                      "changes": audited}, clock.iso())  # fmt: skip
    saved = settings_items.save(store.key(provedor_id, channel), f"{channel}_settings", provedor_id, stored, changes,
                                [audit_store.put_op(provedor_id, entry),
                                 counters.add_many_op(provedor_id, audit_store.counter_amounts(entry))])  # fmt: skip
    for name in removed:  # the settings no longer point at it
        settings.drop_secret(provedor_id, f"{channel}-{name}")
    return view(caller, provedor_id, channel, saved)
