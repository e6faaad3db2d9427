"""Writes of the inbound (webhook) path that the other store modules don't have: the contact's side of a new
message, the guard that the conversation is still the contact's active one, status and attribute updates of a
stored message, and the inbox's connection status."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from niochat.domain.messages import Message
from niochat.store import contacts, messages
from niochat.store.inboxes import inboxes
from niochat.store.table import is_conditional_failure, table

# A message's status only moves forward along this order (a late "delivered" never undoes "read").
STATUS_ORDER = ("sending", "sent", "delivered", "read")


def message_key(provedor_id: int, conversation_id: int, message_id: int) -> tuple[str, str]:
    return messages.key(provedor_id, conversation_id, message_id)  # the one place that spells a message's key


def get_message(provedor_id: int, conversation_id: int, message_id: int) -> Message | None:
    return cast("Message | None", table().get(*message_key(provedor_id, conversation_id, message_id), consistent=True))


def contact_message_op(provedor_id: int, contact_id: int, at: str, avatar: str | None) -> dict[str, Any]:
    """A customer message: one more unread message, last seen now, and the WhatsApp avatar if none is set."""
    pk, sk = contacts.contacts.key(provedor_id, contact_id)
    expression = "SET last_seen = :at, updated_at = :at"
    values: dict[str, Any] = {":at": at, ":one": 1}
    if avatar:
        expression += ", avatar = if_not_exists(avatar, :avatar)"
        values[":avatar"] = avatar
    return {
        "Update": {
            "Key": {"PK": pk, "SK": sk},
            "UpdateExpression": expression + " ADD unread_messages :one",
            "ConditionExpression": "attribute_exists(PK)",
            "ExpressionAttributeValues": values,
        }
    }


def active_check_op(provedor_id: int, phone: str, inbox_id: int, conversation_id: int) -> dict[str, Any]:
    """Fails unless `conversation_id` is still the contact's active conversation in the inbox (not closed
    between the read and the write)."""
    pk, sk = contacts.phone_key(provedor_id, phone)
    return {
        "ConditionCheck": {
            "Key": {"PK": pk, "SK": sk},
            "ConditionExpression": "active_conversations.#inbox = :conversation",
            "ExpressionAttributeNames": {"#inbox": str(inbox_id)},
            "ExpressionAttributeValues": {":conversation": conversation_id},
        }
    }


def advance_status(provedor_id: int, conversation_id: int, message_id: int, status: str, at: str) -> bool:
    """Move an outgoing message's status forward to `status`; False when it already was there or beyond."""
    if status not in STATUS_ORDER:
        return False
    earlier = STATUS_ORDER[: STATUS_ORDER.index(status)]
    values: dict[str, Any] = {f":s{i}": s for i, s in enumerate(earlier)}
    values.update({":status": status, ":at": at})
    placeholders = ", ".join(f":s{i}" for i in range(len(earlier)))
    try:
        table().update(
            *message_key(provedor_id, conversation_id, message_id),
            f"SET #status = :status, updated_at = :at, {status}_at = :at",
            values,
            {"#status": "status"},
            condition=f"attribute_exists(PK) AND #status IN ({placeholders})" if earlier else "attribute_exists(PK)",
            return_values="NONE",
        )
    except Exception as error:
        if is_conditional_failure(error):
            return False
        raise
    return True


def set_message_fields(
    provedor_id: int, conversation_id: int, message_id: int, changes: dict[str, Any], expected_updated_at: str | None
) -> bool:
    """SET `changes` on a stored message if nobody changed it since it was read (its `updated_at`); False on a
    lost race or a message that is gone."""
    names = {f"#f{i}": name for i, name in enumerate(changes)}
    values = {f":v{i}": value for i, value in enumerate(changes.values())}
    condition = "attribute_exists(PK) AND "
    if expected_updated_at is None:
        condition += "attribute_not_exists(updated_at)"
    else:
        condition += "updated_at = :expected"
        values[":expected"] = expected_updated_at
    try:
        table().update(
            *message_key(provedor_id, conversation_id, message_id),
            "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(changes))),
            values,
            names,
            condition=condition,
            return_values="NONE",
        )
    except Exception as error:
        if is_conditional_failure(error):
            return False
        raise
    return True


def claim_external_id_ops(
    provedor_id: int, inbox_id: int, external_id: str, message: Mapping[str, Any], at: str
) -> list[Any]:
    """Attach the provider's id to one of our stored outgoing messages (the echo of a message we sent): the
    idempotency item, and `external_id` on the message unless it already has another one."""
    pk, sk = message_key(provedor_id, message["conversation"], message["id"])
    return [
        messages.external_put_op(provedor_id, inbox_id, external_id, message),
        {
            "Update": {
                "Key": {"PK": pk, "SK": sk},
                "UpdateExpression": "SET external_id = :external, updated_at = :at",
                "ConditionExpression": "attribute_exists(PK) AND "
                "(attribute_not_exists(external_id) OR external_id = :none OR external_id = :external)",
                "ExpressionAttributeValues": {":external": external_id, ":at": at, ":none": None},
            }
        },
    ]


def set_connection_status(provedor_id: int, inbox_id: int, status: str, at: str) -> bool:
    """Record the provider's connection state on the inbox (not a versioned change: no admin edit races it)."""
    pk, sk = inboxes.key(provedor_id, inbox_id)
    try:
        table().update(
            pk,
            sk,
            "SET connection_status = :status, connection_updated_at = :at",
            {":status": status, ":at": at},
            condition="attribute_exists(PK)",
            return_values="NONE",
        )
    except Exception as error:
        if is_conditional_failure(error):
            return False
        raise
    return True
