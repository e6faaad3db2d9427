"""Messages of a conversation: PK `P#<p>#CONV#<conversation>#MSG`, SK `<id>` (time-ordered ids, see
niochat.domain.messages), so a conversation's messages are one Query in order; GSI1 `P#<p>#MSG#<id>` finds
one message by id. A provider's message id maps to ours through `P#<p>#INBOX#<inbox>#EXT` / `<external id>`,
written in the same transaction as the message: the same delivery stored twice fails its condition.

A message's `additional_attributes` (reactions, edits, deletion) change read-modify-write under the one
optimistic-lock rule, `expect_version` (niochat.store.writes): `version` is absent until the first such change.
Status and file updates are conditioned on the state they move from instead, and move no version. The other
items a message's writes touch are written by their own modules: the conversation's last-message preview
(niochat.store.conversations), the contact's side of a customer message (niochat.store.contacts).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from niochat.domain.messages import Message
from niochat.store import keys
from niochat.store.pages import Partition
from niochat.store.table import Item, table
from niochat.store.writes import ConditionFailed, Put, Update, field

# A message's status only moves forward along this order (a late "delivered" never undoes "read").
STATUS_ORDER = ("sending", "sent", "delivered", "read")


def message_sk(message_id: int) -> str:
    """Message ids are time-ordered and up to 16 digits (niochat.domain.messages): padded to 16 so the
    sort key's text order is the ids' order for centuries."""
    return f"{message_id:016d}"


def pk(provedor_id: int, conversation_id: int) -> str:
    return f"{keys.tenant(provedor_id)}#CONV#{conversation_id}#MSG"


def by_id_pk(provedor_id: int, message_id: int) -> str:
    return f"{keys.tenant(provedor_id)}#MSG#{message_id}"


def item(provedor_id: int, message: Mapping[str, Any]) -> Item:
    return {
        **message,
        "PK": pk(provedor_id, message["conversation"]),
        "SK": message_sk(message["id"]),
        "type": "message",
        "provedor_id": provedor_id,
        "GSI1PK": by_id_pk(provedor_id, message["id"]),
        "GSI1SK": "MSG",
    }


def put_op(provedor_id: int, message: Mapping[str, Any]) -> Put:
    """A new message (fails when its id is taken: two messages drew the same id in one millisecond)."""
    return Put("message", item(provedor_id, message)).when_absent()


def get(provedor_id: int, message_id: int) -> Message | None:
    found = table().query(by_id_pk(provedor_id, message_id), index="GSI1", limit=1).items
    return cast(Message, found[0]) if found else None


def of_conversation(provedor_id: int, conversation_id: int, newest_first: bool = True) -> Partition:
    return Partition(pk(provedor_id, conversation_id), forward=not newest_first)


def external_key(provedor_id: int, inbox_id: int, external_id: str) -> tuple[str, str]:
    return f"{keys.tenant(provedor_id)}#INBOX#{inbox_id}#EXT", external_id


def external_put_op(
    provedor_id: int, inbox_id: int, external_id: str, message: Mapping[str, Any], label: str = "external_id"
) -> Put:
    """Claim the provider's id for `message` (fails when that delivery was already stored)."""
    pk, sk = external_key(provedor_id, inbox_id, external_id)
    item = {
        "PK": pk,
        "SK": sk,
        "type": "external_message_id",
        "message_id": message["id"],
        "conversation_id": message["conversation"],
    }
    return Put(label, item).when_absent()


def by_external_id(provedor_id: int, inbox_id: int, external_id: str) -> Item | None:
    """{message_id, conversation_id} of the message the provider knows as `external_id`."""
    return table().get(*external_key(provedor_id, inbox_id, external_id), consistent=True)


def key(provedor_id: int, conversation_id: int, message_id: int) -> tuple[str, str]:
    return pk(provedor_id, conversation_id), message_sk(message_id)


def read(provedor_id: int, conversation_id: int, message_id: int) -> Message | None:
    """One message by its key (its conversation known): a consistent GetItem."""
    return cast("Message | None", table().get(*key(provedor_id, conversation_id, message_id), consistent=True))


def update_op(provedor_id: int, message: Mapping[str, Any], changes: Item) -> Update:
    """SET `changes` on the stored `message` (it must still exist); callers add the state it must still be in
    with `.when(...)`."""
    pk_value, sk_value = key(provedor_id, int(message["conversation"]), int(message["id"]))
    return Update("message", pk_value, sk_value).set_all(changes).when_exists()


def version_of(message: Mapping[str, Any]) -> int:
    return int(message.get("version") or 0)


def edit_op(provedor_id: int, message: Mapping[str, Any], changes: Item) -> Update:
    """SET `changes` (a read-modify-write of `additional_attributes`) while the message is still at the version
    it was read at; moves the version."""
    pk_value, sk_value = key(provedor_id, int(message["conversation"]), int(message["id"]))
    return Update("message", pk_value, sk_value).set_all(changes).expect_version(version_of(message))


def edit(provedor_id: int, message: Mapping[str, Any], changes: Item) -> bool:
    """`edit_op` on its own; False on a lost race or a message that is gone."""
    try:
        table().write(edit_op(provedor_id, message, changes))
    except ConditionFailed:
        return False
    return True


def advance_status(provedor_id: int, conversation_id: int, message_id: int, status: str, at: str) -> bool:
    """Move an outgoing message's status forward to `status`; False when it already was there or beyond."""
    if status not in STATUS_ORDER:
        return False
    earlier = list(STATUS_ORDER[: STATUS_ORDER.index(status)])
    op = Update("message", *key(provedor_id, conversation_id, message_id)).when_exists()
    op.set("status", status).set("updated_at", at).set(f"{status}_at", at)
    if earlier:
        op.when(field("status").is_in(earlier))
    try:
        table().write(op)
    except ConditionFailed:
        return False
    return True


def claim_external_id_ops(
    provedor_id: int, inbox_id: int, external_id: str, message: Mapping[str, Any], at: str
) -> tuple[Put, Update]:
    """Attach the provider's id to one of our stored outgoing messages (the echo of a message we sent): the
    idempotency item, and `external_id` on the message unless it already has another one."""
    unclaimed = field("external_id").not_exists() | field("external_id").eq(None) | field("external_id").eq(external_id)
    update = update_op(provedor_id, message, {"external_id": external_id, "updated_at": at}).when(unclaimed)
    return external_put_op(provedor_id, inbox_id, external_id, message), update


def window(provedor_id: int, conversation_id: int, before: int | None = None, after: int | None = None) -> Partition:
    """A conversation's messages newest first, only those older than `before` and newer than `after` (ids)."""
    return id_window(pk(provedor_id, conversation_id), before, after)


def id_window(partition_key: str, before: int | None, after: int | None) -> Partition:
    """A partition of messages keyed by `message_sk`, newest first, only those older than `before` and newer than
    `after` (ids): a key condition on the sort key, so a page costs O(page) whatever the partition's length."""
    values: dict[str, Any] = {}
    if before is not None and after is not None:
        condition = "#sk BETWEEN :after AND :before"
        values = {":after": message_sk(after + 1), ":before": message_sk(before - 1)}
    elif before is not None:
        condition, values = "#sk < :before", {":before": message_sk(before)}
    elif after is not None:
        condition, values = "#sk > :after", {":after": message_sk(after)}
    else:
        condition = ""
    return Partition(partition_key, sk_condition=condition, values=values, forward=False)
