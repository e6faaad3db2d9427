"""The assistant's state in one conversation: `P#<p>#CONV#<c>#AI` / `STATE` {type: ai_state, answered_through
(the id of the latest customer message whose answer was taken), finished_through (the latest whose answer was
completed), memory {cpf_cnpj, contrato, nome}}. Deleted when the conversation closes (in the close's
transaction), so the next care cycle starts knowing nothing."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from niochat import clock
from niochat.store import keys
from niochat.store.table import Item, table
from niochat.store.writes import ConditionFailed, Delete, Update, field

STATE = "ai_state"


def key(provedor_id: int, conversation_id: int) -> tuple[str, str]:
    return f"{keys.tenant(provedor_id)}#CONV#{conversation_id}#AI", "STATE"


def read(provedor_id: int, conversation_id: int) -> Item | None:
    return table().get(*key(provedor_id, conversation_id), consistent=True)


def claim(provedor_id: int, conversation_id: int, message_id: int) -> bool:
    """Take the turn of answering the customer's messages up to `message_id`; False when an answer to it (or
    to a later message) was already taken: a stream record delivered again answers nothing twice."""
    update = Update("state", *key(provedor_id, conversation_id))
    update.set("type", STATE).set("answered_through", message_id).set("updated_at", clock.iso())
    update.when(field("answered_through").not_exists() | field("answered_through").lt(message_id))
    try:
        table().transact([update])
    except ConditionFailed:
        return False
    return True


def finished(state: Item | None, message_id: int) -> bool:
    """Whether the answer to the customer's messages up to `message_id` was completed (not just taken)."""
    return int((state or {}).get("finished_through") or 0) >= message_id


def remember(provedor_id: int, conversation_id: int, memory: Mapping[str, str], message_id: int) -> None:
    """The answer to `message_id` is complete: its memory saved. Nothing when the conversation closed meanwhile
    (its close deleted the state, and the memory goes with it)."""
    update = Update("state", *key(provedor_id, conversation_id)).set("memory", dict(memory))
    update.set("finished_through", message_id)
    with contextlib.suppress(ConditionFailed):
        table().transact([update.when(field("type").exists())])


def forget_op(provedor_id: int, conversation_id: int) -> Delete:
    return Delete("ai_state", *key(provedor_id, conversation_id))
