"""Rooms, participants and chat messages as the API shows them. A page reads the users it names (senders,
repliers, reactors are ids) with one BatchGetItem."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypedDict

from niochat.domain import chat
from niochat.domain.chat import ChatMessage, Participant, Room
from niochat.store import users as user_store


class Person(TypedDict):
    id: int
    username: str
    first_name: str


class RoomView(TypedDict):
    id: int
    name: str
    description: str
    room_type: str
    team: int | None
    provedor: int
    created_by: Person | None
    participant_count: int
    is_participant: bool
    role: str | None  # the caller's role in the room (None when not a participant)
    last_message: dict[str, Any] | None
    unread_count: int
    is_active: bool
    created_at: str
    updated_at: str


class ParticipantView(TypedDict):
    id: int
    room: int
    user: Person | None
    role: str
    joined_at: str
    last_read_seq: int


class ReplyView(TypedDict):
    id: int
    content: str
    sender: Person | None


class ReactionView(TypedDict):
    emoji: str
    users: list[int]


class MessageView(TypedDict):
    id: int
    room: int | None
    recipient: int | None
    sender: Person | None
    content: str
    message_type: str
    file_url: str | None
    file_name: str | None
    file_size: int | None
    reply_to: ReplyView | None
    reactions: list[ReactionView]
    is_edited: bool
    is_deleted: bool
    created_at: str
    updated_at: str


People = Mapping[int, Person]


def people(user_ids: Iterable[int]) -> dict[int, Person]:
    wanted = sorted({int(u) for u in user_ids})
    found = user_store.get_many(wanted) if wanted else {}
    return {u: {"id": u, "username": str(f.get("username") or ""), "first_name": str(f.get("first_name") or "")}
            for u, f in found.items()}  # fmt: skip


def room(item: Room, reader: Mapping[str, Any] | None, who: People, caller_id: int) -> RoomView:
    last = item.get("last_message")
    return {
        "id": int(item["id"]),
        "name": item["name"],
        "description": item.get("description") or "",
        "room_type": item["room_type"],
        "team": item.get("team_id"),
        "provedor": int(item["provedor_id"]),
        "created_by": who.get(int(item["created_by"])),
        "participant_count": int(item.get("participant_count") or 0),
        "is_participant": chat.is_participant(item, caller_id),
        "role": (item.get("participants") or {}).get(str(caller_id)),
        "last_message": {**last, "sender": who.get(int(last["sender_id"]))} if last else None,
        "unread_count": chat.unread(item, reader) if reader else 0,
        "is_active": bool(item.get("is_active", True)),
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
    }


def rooms(pairs: Sequence[tuple[Room, Mapping[str, Any] | None]], caller_id: int) -> list[RoomView]:
    ids = [int(r["created_by"]) for r, _ in pairs] + [int((r.get("last_message") or {}).get("sender_id") or 0)
                                                      for r, _ in pairs]  # fmt: skip
    who = people(i for i in ids if i)
    return [room(r, reader, who, caller_id) for r, reader in pairs]


def participant(item: Participant, who: People) -> ParticipantView:
    return {
        "id": int(item["id"]),
        "room": int(item["room_id"]),
        "user": who.get(int(item["user_id"])),
        "role": item["role"],
        "joined_at": item["joined_at"],
        "last_read_seq": int(item.get("read_seq") or 0),
    }


def participants(items: list[Participant]) -> list[ParticipantView]:
    who = people(int(p["user_id"]) for p in items)
    return [participant(p, who) for p in items]


def file_url(item: ChatMessage, api_root: str) -> str | None:
    if not item.get("file"):
        return None
    area = "internal-chat/messages" if item.get("room") is not None else "private-messages"
    return f"{api_root}/api/{area}/{item['id']}/file/"


def message(item: ChatMessage, who: People, api_root: str) -> MessageView:
    file = item.get("file") or None
    reply = item.get("reply_to")
    reactions = item.get("reactions") or {}
    return {
        "id": int(item["id"]),
        "room": item.get("room"),
        "recipient": item.get("recipient_id"),
        "sender": who.get(int(item["sender_id"])),
        "content": item.get("content") or "",
        "message_type": item.get("message_type") or "text",
        "file_url": file_url(item, api_root),
        "file_name": file["name"] if file else None,
        "file_size": int(file["size"]) if file else None,
        "reply_to": {"id": int(reply["id"]), "content": reply["content"], "sender": who.get(int(reply["sender_id"]))}
        if reply else None,
        "reactions": [{"emoji": e, "users": [int(u) for u in users]} for e, users in reactions.items()],
        "is_edited": bool(item.get("is_edited")),
        "is_deleted": bool(item.get("is_deleted")),
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
    }  # fmt: skip


def messages(items: list[ChatMessage], api_root: str) -> list[MessageView]:
    ids = [int(m["sender_id"]) for m in items] + [int((m.get("reply_to") or {}).get("sender_id") or 0) for m in items]
    who = people(i for i in ids if i)
    return [message(m, who, api_root) for m in items]
