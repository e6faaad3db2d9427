"""Team chat changes → WebSocket events (pure: item images in, drafts out). Chat events go to the people of the
chat only — a room's participants, the two colleagues of a private message — never to anyone else of the
provedor, admins included (niochat.realtime.audience). What needs a read is left to the listener: a room
message's participants (`room_id`), a message's API shape (`chat_message`) and a user's unread counts
(`unread_for`)."""

from __future__ import annotations

from typing import Any

from niochat.realtime.events import Audience, Draft

Item = dict[str, Any]
KINDS = frozenset({"chat_message", "chat_participant", "chat_side"})
_CONTENT = ("content", "is_deleted", "is_edited", "file")


def chat_events(event_name: str, old: Item | None, new: Item | None) -> list[Draft]:
    item = new or old or {}
    kind = item.get("type")
    if kind == "chat_message" and new is not None:
        return _message(old, new)
    if kind == "chat_participant" and new is not None and old is not None and _read(old) != _read(new):
        return [unread_for(int(new["provedor_id"]), int(new["user_id"]))]
    if kind == "chat_side" and new is not None and int(new.get("read") or 0) != int((old or {}).get("read") or 0):
        return _private_read(new)
    return []


def unread_for(provedor_id: int, user_id: int) -> Draft:
    """`unread_count_update` for one user (its data is read by the listener)."""
    return Draft("unread_count_update", provedor_id, {}, Audience(users=(user_id,)), unread_for=user_id)


def _read(participant: Item) -> int:
    return int(participant.get("read_seq") or 0)


def _people(message: Item) -> tuple[int, ...]:
    return tuple(sorted({int(message["sender_id"]), int(message.get("recipient_id") or 0)}))


def _message(old: Item | None, new: Item) -> list[Draft]:
    provedor_id, in_room = int(new["provedor_id"]), new.get("room") is not None

    def draft(kind: str, data: Item) -> Draft:
        if in_room:  # the listener fills in the room's participants
            return Draft(kind, provedor_id, data, Audience(users=()), room_id=int(new["room"]), chat_message=new)
        return Draft(kind, provedor_id, data, Audience(users=_people(new)), chat_message=new)

    if old is None and in_room:
        return [draft("internal_chat_message", {})]
    if old is None:
        return [draft("private_message", {}), unread_for(provedor_id, int(new["recipient_id"]))]
    drafts = []
    if any(old.get(name) != new.get(name) for name in _CONTENT):
        drafts.append(draft("internal_chat_message_updated", {}))
    if (old.get("reactions") or {}) != (new.get("reactions") or {}):
        drafts.append(draft("internal_chat_reaction", {}))
    return drafts


def _private_read(side: Item) -> list[Draft]:
    """The reader read what `other_id` sent: the sender learns it, the reader's counts change."""
    provedor_id, reader, sender = int(side["provedor_id"]), int(side["user_id"]), int(side["other_id"])
    data = {"reader": reader, "user": sender}
    return [
        Draft("private_message_read", provedor_id, data, Audience(users=tuple(sorted({reader, sender})))),
        unread_for(provedor_id, reader),
    ]
