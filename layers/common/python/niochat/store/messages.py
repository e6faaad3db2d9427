"""Messages of a conversation: PK `P#<p>#CONV#<conversation>#MSG`, SK `<id>` (time-ordered ids, see
niochat.domain.messages), so a conversation's messages are one Query in order; GSI1 `P#<p>#MSG#<id>` finds
one message by id. A provider's message id maps to ours through `P#<p>#INBOX#<inbox>#EXT` / `<external id>`,
written in the same transaction as the message: the same delivery stored twice fails its condition."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from niochat.domain.messages import Message
from niochat.store import keys
from niochat.store.pages import Partition
from niochat.store.table import Item, table
from niochat.store.writes import Put


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


def external_put_op(provedor_id: int, inbox_id: int, external_id: str, message: Mapping[str, Any]) -> Put:
    """Claim the provider's id for `message` (fails when that delivery was already stored)."""
    pk, sk = external_key(provedor_id, inbox_id, external_id)
    item = {
        "PK": pk,
        "SK": sk,
        "type": "external_message_id",
        "message_id": message["id"],
        "conversation_id": message["conversation"],
    }
    return Put("external_id", item).when_absent()


def by_external_id(provedor_id: int, inbox_id: int, external_id: str) -> Item | None:
    """{message_id, conversation_id} of the message the provider knows as `external_id`."""
    return table().get(*external_key(provedor_id, inbox_id, external_id), consistent=True)


def key(provedor_id: int, conversation_id: int, message_id: int) -> tuple[str, str]:
    return pk(provedor_id, conversation_id), message_sk(message_id)


def update_op(
    provedor_id: int,
    message: Mapping[str, Any],
    changes: Item,
    condition: str = "attribute_exists(PK)",
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """SET `changes` on a stored message; `condition` may use `values` (e.g. the status it must still have)."""
    names = {f"#f{i}": name for i, name in enumerate(changes)}
    all_values = {f":v{i}": value for i, value in enumerate(changes.values())}
    all_values.update(values or {})
    names.update({"#status": "status"} if "#status" in condition else {})
    pk_value, sk_value = key(provedor_id, int(message["conversation"]), int(message["id"]))
    return {
        "Update": {
            "Key": {"PK": pk_value, "SK": sk_value},
            "UpdateExpression": "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(changes))),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": all_values,
            "ConditionExpression": condition,
        }
    }


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
