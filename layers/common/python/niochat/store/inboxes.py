"""Inboxes (channels) of a provedor, and the global pointers a webhook delivery is authenticated with.

- inbox `P#<p>#INBOX` / `<id>` (a Collection item; carries `version` for optimistic locking);
- `WEBHOOKSECRET#<sha256(secret)>` → {provedor_id, inbox_id}: the secret in the webhook URL. The inbox keeps
  only the hash and a masked copy; the secret itself is never stored;
- `PROVIDERTOKEN#<sha256(token)>` → {provedor_id, inbox_id}: the WhatsApp provider's instance token, unique
  across the system (a delivery without the URL secret is recognised by the token it carries).
Pointers are written, moved and deleted in the transaction that writes the inbox.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from niochat.domain.inboxes import Inbox
from niochat.store import counters, keys
from niochat.store.collection import Collection
from niochat.store.table import Item, table
from niochat.store.writes import ConditionFailed, Delete, Operation, Put, Update

inboxes: Collection[Inbox] = Collection("inbox")


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _pointer_put(label: str, key: tuple[str, str], kind: str, provedor_id: int, inbox_id: int) -> Put:
    pk, sk = key
    item = {"PK": pk, "SK": sk, "type": kind, "provedor_id": provedor_id, "inbox_id": inbox_id}
    return Put(label, item).when_absent()


def secret_put(provedor_id: int, inbox_id: int, secret_hash: str) -> Put:
    return _pointer_put("secret", keys.webhook_secret(secret_hash), "webhook_secret", provedor_id, inbox_id)


def token_put(provedor_id: int, inbox_id: int, token: str) -> Put:
    return _pointer_put("token", keys.provider_token(digest(token)), "provider_token", provedor_id, inbox_id)


def secret_delete(secret_hash: str) -> Delete:
    return Delete("old_secret", *keys.webhook_secret(secret_hash))


def token_delete(token: str) -> Delete:
    return Delete("old_token", *keys.provider_token(digest(token)))


def by_secret(secret: str) -> Item | None:
    return table().get(*keys.webhook_secret(digest(secret)))


def by_token(token: str, consistent: bool = False) -> Item | None:
    return table().get(*keys.provider_token(digest(token)), consistent=consistent)


def provider_token_of(inbox: Mapping[str, Any]) -> str | None:
    settings = inbox.get("settings") or {}
    token = settings.get("token") if inbox.get("channel_type") == "whatsapp" else None
    return token or None


def pointer_deletes(inbox: Mapping[str, Any]) -> list[Operation]:
    operations: list[Operation] = [secret_delete(inbox["webhook_secret_hash"])]
    token = provider_token_of(inbox)
    if token:
        operations.append(token_delete(token))
    return operations


def pointer_changes(provedor_id: int, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Operation]:
    """Move the provider-token pointer when the token changes (the secret never changes on update)."""
    old_token, new_token = provider_token_of(old), provider_token_of(new)
    if old_token == new_token:
        return []
    operations: list[Operation] = [token_delete(old_token)] if old_token else []
    if new_token:
        operations.append(token_put(provedor_id, new["id"], new_token))
    return operations


def create(provedor_id: int, inbox: Mapping[str, Any], extra: list[Any]) -> Item:
    return inboxes.create(provedor_id, {**inbox, "version": 1}, extra)


def update(provedor_id: int, inbox_id: int, changes: Item, expected: int, extra: list[Any]) -> None:
    """SET `changes` on the inbox still at version `expected`, with `extra` in the same transaction."""
    table().transact([inboxes.update_op(provedor_id, inbox_id, changes).expect_version(expected), *extra])


def delete(provedor_id: int, inbox: Mapping[str, Any]) -> None:
    operations = [
        inboxes.delete_op(provedor_id, inbox["id"]).expect_version(int(inbox.get("version") or 0)),
        counters.add_op(provedor_id, inboxes.kind, -1),
        *pointer_deletes(inbox),
    ]
    table().transact(operations)


def set_connection_status(provedor_id: int, inbox_id: int, status: str, at: str) -> bool:
    """The provider's connection state on the inbox: not a versioned change (no admin edit races it), and
    nothing to record once the inbox is gone (False)."""
    op = Update("inbox", *inboxes.key(provedor_id, inbox_id)).set("connection_status", status)
    try:
        table().write(op.set("connection_updated_at", at).when_exists())
    except ConditionFailed:
        return False
    return True
