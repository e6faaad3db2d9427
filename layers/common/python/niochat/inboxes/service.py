"""Inbox use cases: create, read, change, delete and list inside one provedor, and finding the inbox a
webhook delivery belongs to.

Secrets: the webhook secret is generated here, returned once (in the creation response) and stored only as a
hash (the pointer's key) and a masked copy. The provider token is stored (the provider client needs it) and
returned masked. A client that sends back a masked value it was shown leaves the stored value unchanged.
"""

from __future__ import annotations

import secrets
from typing import Any, NamedTuple, cast

from niochat import clock
from niochat.domain.audit import new_entry
from niochat.domain.inboxes import Inbox, new_inbox, provider_origin, webhook_secret_fields
from niochat.domain.masking import is_mask_of, restore_secrets
from niochat.domain.users import Principal
from niochat.errors import ApiError, Conflict, NotFound, PermissionDenied, ValidationError
from niochat.inboxes import models
from niochat.inboxes.channel_settings import secrets_of
from niochat.inboxes.models import InboxCreate, InboxPatch, InboxReplace
from niochat.settings import get_settings
from niochat.store import audit as audit_store
from niochat.store import counters, sequences
from niochat.store import inboxes as store
from niochat.store.pages import Partition
from niochat.store.writes import Operation, WriteError
from niochat.tenancy import INVALID_PROVEDOR

NOT_FOUND = "Inbox não encontrada"
TOKEN_IN_USE = "Este token já está em uso por outra inbox"
TOKEN_FOR_NEW_HOST = "Ao mudar o servidor do provedor (base_url), informe o token novamente"
WEBHOOK_PATH = "/webhook/evolution-uazapi/"
LOCAL_WEBHOOK_BASE = "http://localhost:8010"
# The audit log's action for a rotation (GET /api/audit-logs/?action=inbox_secret_rotated).
SECRET_ROTATED = "inbox_secret_rotated"


class Created(NamedTuple):
    inbox: Inbox
    webhook_secret: str
    webhook_url: str


def require_writer(caller: Principal) -> None:
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


def _new_secret() -> tuple[str, str, str]:
    """A new webhook secret, its hash (the pointer's key) and the delivery URL up to it (`…?secret=`)."""
    secret = secrets.token_urlsafe(32)
    url = f"{get_settings().webhook_base_url or LOCAL_WEBHOOK_BASE}{WEBHOOK_PATH}?secret="
    return secret, store.digest(secret), url


def create(caller: Principal, provedor_id: int, data: InboxCreate) -> Created:
    require_writer(caller)
    settings = models.channel_settings(data.channel_type, data.settings)
    secret, secret_hash, url = _new_secret()
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
    extra: list[Operation] = [store.secret_put(provedor_id, inbox["id"], secret_hash)]
    token = store.provider_token_of(inbox)
    if token:
        extra.append(store.token_put(provedor_id, inbox["id"], token))
    try:
        store.create(provedor_id, inbox, extra)
    except WriteError:
        if token and store.by_token(token, consistent=True):
            raise _token_in_use() from None
        raise
    return Created(inbox, secret, url + secret)


def _unmasked(channel_type: str, sent: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """A secret sent back in the masked form the client was shown means "keep the stored one" (at any depth)."""
    restored: dict[str, Any] = restore_secrets(sent, stored, secrets_of(channel_type))
    return restored


def _check_token_follows_host(stored: dict[str, Any], sent: dict[str, Any], new: dict[str, Any]) -> None:
    """The stored provider token never goes to a new host: moving `base_url` to another origin (scheme, host or
    port) needs the token typed again (not omitted, not sent back masked)."""
    old_url, new_url = stored.get("base_url"), new.get("base_url")
    if not old_url or not new_url or provider_origin(str(old_url)) == provider_origin(str(new_url)):
        return
    typed = sent.get("token")
    if isinstance(typed, str) and typed.strip() and not is_mask_of(typed, stored.get("token")):
        return
    raise ValidationError.field("settings.token", TOKEN_FOR_NEW_HOST, TOKEN_FOR_NEW_HOST)


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
        merged = sent
        if sent is not None:  # a patch's settings are merged over the stored ones; a replace sends them all
            merged = _unmasked(old["channel_type"], sent, stored)
            merged = {**stored, **merged} if partial else merged
        changes["settings"] = models.channel_settings(old["channel_type"], merged)
        if old["channel_type"] == "whatsapp":
            _check_token_follows_host(stored, sent or {}, changes["settings"])
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
    require_writer(caller)
    old = get(provedor_id, inbox_id)
    changes = _changes(old, provedor_id, data)
    new = cast(Inbox, {**old, **changes, "version": _version(old) + 1})
    new_token = store.provider_token_of(new)
    try:
        store.update(provedor_id, inbox_id, changes, _version(old), store.pointer_changes(provedor_id, old, new))
    except WriteError:
        changed = new_token != store.provider_token_of(old)
        raise _write_failure(provedor_id, inbox_id, new_token if changed else None) from None
    return new


def rotate_secret(caller: Principal, provedor_id: int, inbox_id: int) -> Created:
    """A new webhook secret for the inbox, shown this once: the old one stops working in the same transaction
    (its pointer is deleted), which also writes the audit entry."""
    require_writer(caller)
    old = get(provedor_id, inbox_id, consistent=True)
    secret, secret_hash, url = _new_secret()
    now = clock.iso()
    changes: dict[str, Any] = {**webhook_secret_fields(secret, secret_hash, url), "updated_at": now}
    entry = new_entry(sequences.next_tenant_id(provedor_id, "audit"), provedor_id, SECRET_ROTATED, caller,
                      {"inbox_id": inbox_id, "inbox_name": old.get("name")}, now)  # fmt: skip
    extra = [
        store.secret_delete(str(old["webhook_secret_hash"])),
        store.secret_put(provedor_id, inbox_id, secret_hash),
        audit_store.put_op(provedor_id, entry),
        counters.add_many_op(provedor_id, audit_store.counter_amounts(entry)),
    ]
    try:
        store.update(provedor_id, inbox_id, changes, _version(old), extra)
    except WriteError:
        raise _write_failure(provedor_id, inbox_id, None) from None
    return Created(cast(Inbox, {**old, **changes, "version": _version(old) + 1}), secret, url + secret)


def delete(caller: Principal, provedor_id: int, inbox_id: int) -> None:
    require_writer(caller)
    inbox = get(provedor_id, inbox_id)
    try:
        store.delete(provedor_id, inbox)
    except WriteError:
        raise _write_failure(provedor_id, inbox_id, None) from None


def partition(provedor_id: int) -> Partition:
    """Every inbox of the provedor, newest first."""
    return store.inboxes.partition(provedor_id)


def count(provedor_id: int) -> int:
    return store.inboxes.count(provedor_id)
