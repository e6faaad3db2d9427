"""Inbox use cases: create, read, change, delete and list inside one provedor, and finding the inbox a
webhook delivery belongs to.

Secrets: the webhook secret is generated here, returned once (in the creation response) and stored only as a
hash (the pointer's key) and a masked copy. The provider token is stored (the provider client needs it) and
returned masked. A client that sends back a masked value it was shown leaves the stored value unchanged.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, cast

from niochat import clock
from niochat.domain.inboxes import Inbox, is_secret_setting, new_inbox
from niochat.domain.masking import is_mask_of
from niochat.domain.users import Principal
from niochat.errors import ApiError, Conflict, NotFound, PermissionDenied, ValidationError
from niochat.inboxes import models
from niochat.inboxes.models import InboxCreate, InboxPatch, InboxReplace
from niochat.settings import get_settings
from niochat.store import inboxes as store
from niochat.store.pages import Partition
from niochat.store.table import is_conditional_failure
from niochat.tenancy import INVALID_PROVEDOR

NOT_FOUND = "Inbox não encontrada"
TOKEN_IN_USE = "Este token já está em uso por outra inbox"
WEBHOOK_PATH = "/webhook/evolution-uazapi/"
LOCAL_WEBHOOK_BASE = "http://localhost:8010"


@dataclass(frozen=True)
class Created:
    inbox: Inbox
    webhook_secret: str
    webhook_url: str


def require_admin(caller: Principal) -> None:
    """Writing inboxes: admins only, whatever the inbox or the body (DRF's order: permission first)."""
    if not caller.is_admin:
        raise PermissionDenied("Apenas administradores podem gerenciar inboxes")


def _token_in_use() -> ValidationError:
    return ValidationError.field("settings.token", TOKEN_IN_USE, TOKEN_IN_USE)


def _version(inbox: Inbox) -> int:
    return int(inbox.get("version") or 0)


def get(provedor_id: int, inbox_id: int, consistent: bool = False) -> Inbox:
    inbox = store.inboxes.get(provedor_id, inbox_id, consistent=consistent)
    if inbox is None:
        raise NotFound(NOT_FOUND)
    return inbox


def create(caller: Principal, provedor_id: int, data: InboxCreate) -> Created:
    require_admin(caller)
    settings = models.channel_settings(data.channel_type, data.settings)
    secret = secrets.token_urlsafe(32)
    secret_hash = store.digest(secret)
    url = f"{get_settings().webhook_base_url or LOCAL_WEBHOOK_BASE}{WEBHOOK_PATH}?secret="
    inbox = new_inbox(
        store.inboxes.new_id(provedor_id),
        provedor_id,
        name=data.name,
        channel_type=data.channel_type,
        channel=data.channel,
        is_active=data.is_active,
        settings=settings,
        webhook_secret=secret,
        webhook_secret_hash=secret_hash,
        webhook_url=url,
        now=clock.iso(),
    )
    extra = [store.secret_put(provedor_id, inbox["id"], secret_hash)]
    token = store.provider_token_of(inbox)
    if token:
        extra.append(store.token_put(provedor_id, inbox["id"], token))
    try:
        store.create(provedor_id, inbox, extra)
    except Exception as error:
        if is_conditional_failure(error) and token and store.by_token(token, consistent=True):
            raise _token_in_use() from None
        raise
    return Created(inbox, secret, url + secret)


def _unmasked(sent: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """A secret sent back in the masked form the client was shown means "keep the stored one"."""
    return {k: stored[k] if is_secret_setting(k) and is_mask_of(v, stored.get(k)) else v for k, v in sent.items()}


def _changes(old: Inbox, provedor_id: int, data: InboxReplace | InboxPatch) -> dict[str, Any]:
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
        if sent is not None:  # a patch's settings are merged over the stored ones; a replace sends them all
            sent = _unmasked(sent, stored)
            sent = {**stored, **sent} if partial else sent
        changes["settings"] = models.channel_settings(old["channel_type"], sent)
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


def update(caller: Principal, provedor_id: int, inbox_id: int, data: InboxReplace | InboxPatch) -> Inbox:
    require_admin(caller)
    old = get(provedor_id, inbox_id)
    changes = _changes(old, provedor_id, data)
    new = cast(Inbox, {**old, **changes, "version": _version(old) + 1})
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
    require_admin(caller)
    inbox = get(provedor_id, inbox_id)
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
