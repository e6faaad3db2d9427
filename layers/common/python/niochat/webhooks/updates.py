"""Deliveries that change a stored message instead of adding one: reactions, edits, deletes (revokes) and
delivery/read receipts; and connection events, which change the inbox.

The target is found by the provider's id (`by_external_id`). Attribute changes are read-modify-write guarded by
the message's version (niochat.store.messages.edit), retried on a lost race, and idempotent: the same delivery
twice leaves the message as once (a reaction is per reactor, an edit already in the history is not added again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from niochat import clock
from niochat.domain.messages import Message
from niochat.store import messages
from niochat.store.inboxes import set_connection_status
from niochat.webhooks.events import Connection, Delete, Edit, Reaction, Receipt

ATTEMPTS = 5


def target(provedor_id: int, inbox_id: int, external_id: str) -> Message | None:
    pointer = messages.by_external_id(provedor_id, inbox_id, external_id) if external_id else None
    if pointer is None:
        return None
    return messages.read(provedor_id, int(pointer["conversation_id"]), int(pointer["message_id"]))


def _change(
    provedor_id: int,
    inbox_id: int,
    external_id: str,
    mutate: Callable[[Message, dict[str, Any]], dict[str, Any] | None],
) -> dict[str, Any]:
    """Apply `mutate(message, attributes) -> changed fields | None (nothing to do)` to the target message."""
    for _ in range(ATTEMPTS):
        message = target(provedor_id, inbox_id, external_id)
        if message is None:
            return {"status": "ignored", "reason": "target message not found", "external_id": external_id}
        attributes = dict(message.get("additional_attributes") or {})
        changes = mutate(message, attributes)
        result = {"status": "stored", "message_id": message["id"], "conversation_id": message["conversation"]}
        if changes is None:
            return {**result, "changed": False}
        changes = {"additional_attributes": attributes, **changes, "updated_at": clock.iso()}
        if messages.edit(provedor_id, message, changes):
            return {**result, "changed": True}
    raise RuntimeError("message kept changing while applying a webhook update")


def react(provedor_id: int, inbox_id: int, event: Reaction) -> dict[str, Any]:
    """`additional_attributes.reactions`: one entry per reactor, the same list the outbound path keeps
    (`{"emoji", "reactor", "from_me", ...}`; our side is reactor "me"); an empty emoji removes the reactor's."""

    def mutate(_: Message, attributes: dict[str, Any]) -> dict[str, Any] | None:
        reactions = [r for r in _as_list(attributes.get("reactions")) if isinstance(r, dict)]
        current = next((r for r in reactions if r.get("reactor") == event.reactor), None)
        if (current or {}).get("emoji", "") == event.emoji:
            return None
        reactions = [r for r in reactions if r.get("reactor") != event.reactor]
        if event.emoji:
            reactions.append(
                {
                    "emoji": event.emoji,
                    "reactor": event.reactor,
                    "from_me": event.reactor == "me",
                    "name": event.reactor_name,
                    "reacted_at": clock.iso(event.timestamp) if event.timestamp else clock.iso(),
                }
            )
        attributes["reactions"] = reactions
        return {}

    return {"event": "reaction", **_change(provedor_id, inbox_id, event.target_id, mutate)}


def _as_list(reactions: Any) -> list[Any]:
    """Reactions as a list, also from a map reactor → entry (an older shape)."""
    if isinstance(reactions, dict):
        return [
            {"reactor": k, **v} if isinstance(v, dict) else {"reactor": k, "emoji": v} for k, v in reactions.items()
        ]
    return list(reactions) if isinstance(reactions, list) else []


def edit(provedor_id: int, inbox_id: int, event: Edit) -> dict[str, Any]:
    def mutate(message: Message, attributes: dict[str, Any]) -> dict[str, Any] | None:
        if (message.get("content") or "") == event.content:
            return None
        history = list(attributes.get("edit_history") or [])
        history.append({"content": message.get("content") or "", "replaced_at": clock.iso()})
        attributes.update(edit_history=history, edited=True)
        if event.timestamp:
            attributes["edited_at"] = clock.iso(event.timestamp)
        return {"content": event.content}

    return {"event": "edit", **_change(provedor_id, inbox_id, event.target_id, mutate)}


def delete(provedor_id: int, inbox_id: int, event: Delete) -> dict[str, Any]:
    def mutate(_: Message, attributes: dict[str, Any]) -> dict[str, Any] | None:
        if attributes.get("deleted"):
            return None
        attributes.update(deleted=True, deleted_at=clock.iso(event.timestamp) if event.timestamp else clock.iso())
        return {}

    return {"event": "delete", **_change(provedor_id, inbox_id, event.target_id, mutate)}


def receipt(provedor_id: int, inbox_id: int, event: Receipt) -> dict[str, Any]:
    """Advance each of our messages the receipt names (status only moves forward)."""
    updated, unknown = 0, 0
    now = clock.iso()
    for external_id in event.target_ids[:100]:
        pointer = messages.by_external_id(provedor_id, inbox_id, external_id)
        if pointer is None:
            unknown += 1
            continue
        conversation_id, message_id = int(pointer["conversation_id"]), int(pointer["message_id"])
        updated += messages.advance_status(provedor_id, conversation_id, message_id, str(event.status), now)
    if updated == 0:
        reason = "no known message in the receipt" if unknown else "status already recorded"
        return {"status": "ignored", "event": "receipt", "reason": reason}
    return {"status": "stored", "event": "receipt", "updated": updated, "delivery_status": str(event.status)}


def connection(provedor_id: int, inbox_id: int, event: Connection) -> dict[str, Any]:
    """The provider's connection state on the inbox (nothing to record once the inbox is gone)."""
    set_connection_status(provedor_id, inbox_id, event.status, clock.iso())
    return {"status": "stored", "event": "connection", "connection_status": event.status}
