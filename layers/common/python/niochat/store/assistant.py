"""The assistant's state in one conversation: `P#<p>#CONV#<c>#AI` / `STATE` {type: ai_state, answered_through
(the id of the latest customer message answered), memory {cpf_cnpj, contrato, nome}, cycle}. Deleted when the
conversation closes (in the close's transaction), so the next care cycle starts knowing nothing."""

from __future__ import annotations

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


def remember(provedor_id: int, conversation_id: int, memory: Mapping[str, str]) -> None:
    update = Update("state", *key(provedor_id, conversation_id)).set("memory", dict(memory))
    table().transact([update.when(field("type").exists())])


def forget_op(provedor_id: int, conversation_id: int) -> Delete:
    return Delete("ai_state", *key(provedor_id, conversation_id))
