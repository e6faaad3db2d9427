"""Messages from our own number (`fromMe`): the echo of a message an agent sent through the API, or one typed
on the phone.

An echo must never become a second copy of the agent's message. Ours is found by the provider's id (the
outbound path claims it when the provider answers), else — when the echo outruns that answer — as the newest
outgoing message of the conversation still `sending` (or `failed` by a timeout) with the same content and no
provider id yet; the echo then attaches its id to it. Only when neither exists is the message stored as a new
outgoing one (typed on the phone, or sent by another integration).
"""

from __future__ import annotations

from typing import Any

from niochat import clock
from niochat.store import messages
from niochat.store.table import Item, table
from niochat.store.writes import ConditionFailed, TransactionConflict, field
from niochat.webhooks.events import Message

RECENT = 20
CLAIMABLE = ("sending", "failed")


def known(provedor_id: int, inbox_id: int, event: Message) -> Item | None:
    """The pointer of the message the provider already knows by one of the event's ids."""
    for external_id in (event.external_id, *event.aliases):
        pointer = messages.by_external_id(provedor_id, inbox_id, external_id)
        if pointer is not None:
            return pointer
    return None


def pending_match(provedor_id: int, conversation_id: int, event: Message) -> Item | None:
    """The newest recent outgoing message waiting for its provider id with the echo's content."""
    page = table().query(
        messages.pk(provedor_id, conversation_id),
        forward=False,
        limit=RECENT,
        consistent=True,
        filter_expression="message_type = :outgoing AND #status IN (:sending, :failed) AND content = :content "
        "AND media_type = :media AND (attribute_not_exists(external_id) OR external_id = :none)",
        values={
            ":outgoing": "outgoing",
            ":sending": CLAIMABLE[0],
            ":failed": CLAIMABLE[1],
            ":content": event.content,
            ":media": str(event.media_type),
            ":none": None,
        },
        names={"#status": "status"},
    )
    return page.items[0] if page.items else None


def attach(provedor_id: int, inbox_id: int, event: Message, message: Item) -> bool:
    """Claim the echo's provider id for our stored `message` and mark it sent; False if it lost a race."""
    claim, update = messages.claim_external_id_ops(provedor_id, inbox_id, event.external_id, message, clock.iso())
    update.set("status", "sent").when(field("status").is_in(list(CLAIMABLE)))
    try:
        table().transact([claim, update])
    except (ConditionFailed, TransactionConflict):
        return False
    return True


def result(pointer: Item, outcome: str) -> dict[str, Any]:
    return {
        "status": outcome,
        "event": "echo",
        "message_id": pointer.get("message_id", pointer.get("id")),
        "conversation_id": pointer.get("conversation_id", pointer.get("conversation")),
    }
