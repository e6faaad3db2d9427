"""Inbox use cases: create, read, change, delete and list inside one provedor, and finding the inbox a
webhook delivery belongs to.

Secrets: the webhook secret is generated here, returned once (in the creation response) and stored only as a
hash (the pointer's key) and a masked copy. The provider token is stored (the provider client needs it) and
returned masked. A client that sends back a masked value it was shown leaves the stored value unchanged.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from niochat import clock
from niochat.domain.masking import is_mask_of, mask
from niochat.domain.users import Principal
from niochat.errors import ApiError, Conflict, NotFound, PermissionDenied, ValidationError
from niochat.inboxes import models
from niochat.inboxes.models import InboxCreate, InboxPatch, InboxReplace
from niochat.settings import get_settings
from niochat.store import inboxes as store
from niochat.store.pages import Partition
from niochat.store.table import Item, is_conditional_failure
from niochat.tenancy import INVALID_PROVEDOR

NOT_FOUND = "Inbox não encontrada"
TOKEN_IN_USE = "Este token já está em uso por outra inbox"
WEBHOOK_PATH = "/webhook/evolution-uazapi/"
LOCAL_WEBHOOK_BASE = "http://localhost:8010"
FIELDS = (
    "id", "name", "channel_type", "channel", "is_active", "provedor", "settings", "webhook_url",
    "webhook_secret", "connection_status", "created_at", "updated_at",
)  # fmt: skip
# Keys of `settings` whose string values are secrets (masked in responses).
SECRET_KEY = re.compile(r"token|secret|password|senha|api_?key", re.IGNORECASE)


@dataclass(frozen=True)
class Created:
    inbox: Item
    webhook_secret: str
    webhook_url: str


def _masked_settings(settings: dict[str, Any]) -> dict[str, Any]:
    return {k: mask(v) if isinstance(v, str) and SECRET_KEY.search(k) else v for k, v in settings.items()}


def public(inbox: Item) -> dict[str, Any]:
    """The inbox as every response after its creation shows it: secrets masked."""
    data = {name: inbox.get(name) for name in FIELDS}
    data["provedor"] = inbox["provedor_id"]
    data["is_active"] = bool(inbox.get("is_active", True))
    data["settings"] = _masked_settings(inbox.get("settings") or {})
    data["webhook_secret"] = inbox.get("webhook_secret_masked")
    data["webhook_url"] = inbox.get("webhook_url_masked")
    return data


def creation_response(created: Created) -> dict[str, Any]:
    """The one response that shows the webhook secret, its URL and the provider token in full (to the admin
    who created the inbox)."""
    data = public(created.inbox)
    data["settings"] = dict(created.inbox.get("settings") or {})
    data["webhook_secret"] = created.webhook_secret
    data["webhook_url"] = created.webhook_url
    return data


def public_list(items: list[Item]) -> list[dict[str, Any]]:
    return [public(item) for item in items]


def _require_admin(caller: Principal) -> None:
    if not caller.is_admin:
        raise PermissionDenied("Apenas administradores podem gerenciar inboxes")


def _token_in_use() -> ValidationError:
    return ValidationError.field("settings.token", TOKEN_IN_USE, TOKEN_IN_USE)


def _version(inbox: Item) -> int:
    return int(inbox.get("version") or 0)


def get(provedor_id: int, inbox_id: int, consistent: bool = False) -> Item:
    inbox = store.inboxes.get(provedor_id, inbox_id, consistent=consistent)
    if inbox is None:
        raise NotFound(NOT_FOUND)
    return inbox


def create(caller: Principal, provedor_id: int, data: InboxCreate) -> Created:
    _require_admin(caller)
    settings = models.channel_settings(data.channel_type, data.settings)
    secret = secrets.token_urlsafe(32)
    secret_hash = store.digest(secret)
    url = f"{get_settings().webhook_base_url or LOCAL_WEBHOOK_BASE}{WEBHOOK_PATH}?secret="
    now = clock.iso()
    inbox: Item = {
        "id": store.inboxes.new_id(provedor_id),
        "name": data.name,
        "channel_type": data.channel_type,
        "channel": data.channel,
        "is_active": data.is_active,
        "settings": settings,
        "connection_status": "unknown",
        "webhook_secret_hash": secret_hash,
        "webhook_secret_masked": mask(secret),
        "webhook_url_masked": url + (mask(secret) or ""),
        "created_at": now,
        "updated_at": now,
    }
    extra = [store.secret_put(provedor_id, inbox["id"], secret_hash)]
    token = store.provider_token_of(inbox)
    if token:
        extra.append(store.token_put(provedor_id, inbox["id"], token))
    try:
        created = store.create(provedor_id, inbox, extra)
    except Exception as error:
        if is_conditional_failure(error) and token and store.by_token(token, consistent=True):
            raise _token_in_use() from None
        raise
    return Created(created, secret, url + secret)


def _unmasked(sent: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """A secret sent back in the masked form the client was shown means "keep the stored one"."""
    return {k: stored[k] if SECRET_KEY.search(k) and is_mask_of(v, stored.get(k)) else v for k, v in sent.items()}


def _changes(old: Item, provedor_id: int, data: InboxReplace | InboxPatch) -> dict[str, Any]:
    if data.provedor is not None and data.provedor != provedor_id:
        raise ValidationError.field("provedor", INVALID_PROVEDOR)
    partial = isinstance(data, InboxPatch)
    changes = data.model_dump(exclude={"provedor"}, exclude_unset=partial)
    if partial:  # null means "not sent" for fields that cannot be empty
        required = ("name", "channel_type", "is_active", "settings")
        changes = {k: v for k, v in changes.items() if not (k in required and v is None)}
    channel_type = changes.pop("channel_type", old["channel_type"])
    if channel_type != old["channel_type"]:
        raise ValidationError.field("channel_type", "O tipo de canal de uma inbox não pode ser alterado")
    if "settings" in changes or not partial:
        stored, sent = old.get("settings") or {}, changes.get("settings")
        sent = _unmasked(sent, stored) if sent is not None else None
        changes["settings"] = models.channel_settings(old["channel_type"], {**stored, **sent} if partial else sent)
    changes["updated_at"] = clock.iso()
    return changes


def _write_failure(provedor_id: int, inbox_id: int, new_token: str | None) -> ApiError:
    """Why a conditional write failed: the new token belongs to another inbox, the inbox is gone, or it changed
    under us (a lost race)."""
    if new_token:
        owner = store.by_token(new_token, consistent=True)
        if owner and (owner["provedor_id"], owner["inbox_id"]) != (provedor_id, inbox_id):
            return _token_in_use()
    if store.inboxes.get(provedor_id, inbox_id, consistent=True) is None:
        return NotFound(NOT_FOUND)
    return Conflict("A inbox foi alterada por outra requisição. Recarregue e tente novamente")


def update(caller: Principal, provedor_id: int, inbox_id: int, data: InboxReplace | InboxPatch) -> Item:
    # Existence before permission: for another provedor's inbox everyone gets the same 404.
    old = get(provedor_id, inbox_id)
    _require_admin(caller)
    changes = _changes(old, provedor_id, data)
    new = {**old, **changes, "version": _version(old) + 1}
    new_token = store.provider_token_of(new)
    try:
        store.update(provedor_id, inbox_id, changes, _version(old), store.pointer_changes(provedor_id, old, new))
    except Exception as error:
        if is_conditional_failure(error):
            changed = new_token != store.provider_token_of(old)
            raise _write_failure(provedor_id, inbox_id, new_token if changed else None) from None
        raise
    return new


def delete(caller: Principal, provedor_id: int, inbox_id: int) -> None:
    inbox = get(provedor_id, inbox_id)
    _require_admin(caller)
    try:
        store.delete(provedor_id, inbox)
    except Exception as error:
        if is_conditional_failure(error):
            raise _write_failure(provedor_id, inbox_id, None) from None
        raise


def partition(provedor_id: int) -> Partition:
    """Every inbox of the provedor, newest first."""
    return store.inboxes.partition(provedor_id)


def count(provedor_id: int) -> int:
    return store.inboxes.count(provedor_id)


def find_for_webhook(secret: str | None, provider_token: str | None) -> Item | None:
    """The active inbox a webhook delivery belongs to, or None.

    The secret from the webhook URL decides when present (a wrong secret is a refusal, not a reason to try the
    token); without one, the provider token the delivery carries. One GetItem finds the pointer, one the inbox.
    """
    if secret:
        pointer = store.by_secret(secret) if len(secret) <= 512 else None
    elif provider_token:
        pointer = store.by_token(provider_token) if len(provider_token) <= 512 else None
    else:
        return None
    if pointer is None:
        return None
    inbox = store.inboxes.get(int(pointer["provedor_id"]), int(pointer["inbox_id"]))
    if inbox is None or not inbox.get("is_active", True):
        return None
    # The pointer and the inbox are written together; checking again costs nothing and survives any drift.
    expected, given = (
        (str(inbox.get("webhook_secret_hash")), store.digest(secret))
        if secret
        else (store.provider_token_of(inbox) or "", provider_token or "")
    )
    return inbox if hmac.compare_digest(expected.encode(), given.encode()) else None
