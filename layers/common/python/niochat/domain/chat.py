"""Team chat: rooms inside a provedor, their participants and messages, and private messages between two
colleagues — the stored items, their constructors and the pure rules (who may do what, unread arithmetic,
reactions, edits). docs/team-chat.md explains the model.

Unread counts are arithmetic, never a count of messages:
- a room keeps `seq` (its messages, numbered 1, 2, … without gaps) and `sent` (sender → messages sent); a
  participant keeps `read_seq` (the last message they read) and `read_sent` (the room's `sent` at that message).
  Unread = seq − read_seq; unread from a sender = sent[sender] − read_sent[sender]. Posting moves the poster's
  own read position to their message.
- a pair of colleagues keeps one side per user: `received` (messages from the other) and `read` (`received` when
  they last read). Unread = received − read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypedDict

RoomType = Literal["general", "support", "sales", "team", "private"]
ROOM_TYPES: tuple[str, ...] = ("general", "support", "sales", "team", "private")
# Anyone of the provedor may join these; `team` rooms follow their team, `private` ones are by invitation.
PUBLIC_ROOM_TYPES = frozenset({"general", "support", "sales"})
ROOM_ADMIN, MEMBER = "admin", "member"
MAX_PARTICIPANTS = 97  # deleting a room is one transaction (100 items): the room, the counters, its purge, them
REPLY_PREVIEW = 100  # characters of the replied message shown with a reply
MAX_REACTIONS = 50  # distinct emojis on one message


class Room(TypedDict):
    id: int
    provedor_id: int
    name: str
    description: str
    room_type: str
    team_id: int | None
    created_by: int
    # user id (as text) → role: membership is a condition on this item; the stream reads it to tell them.
    participants: dict[str, str]
    participant_count: int
    seq: int
    sent: dict[str, int]  # sender id (as text) → messages sent
    last_message: dict[str, Any] | None
    is_active: bool
    version: int
    created_at: str
    updated_at: str


class Participant(TypedDict):
    id: int
    provedor_id: int
    room_id: int
    user_id: int
    role: str
    read_seq: int
    read_sent: dict[str, int]
    joined_at: str


class ChatFile(TypedDict):
    key: str
    name: str
    size: int
    mime_type: str


class ChatMessage(TypedDict, total=False):
    """A message of a room (`room` set) or between two colleagues (`recipient_id` set)."""

    id: int
    provedor_id: int
    room: int | None
    recipient_id: int | None
    sender_id: int
    content: str
    message_type: str  # text, image, audio, video, file
    file: ChatFile | None
    reply_to: dict[str, Any] | None  # {id, content (REPLY_PREVIEW chars), sender_id}
    reactions: dict[str, list[int]]  # emoji → users, in the order they reacted
    is_edited: bool
    edits: list[dict[str, str]]  # earlier texts: {content, edited_at}
    is_deleted: bool
    seq: int  # room messages: the room's number of this message
    tally: dict[str, int]  # room messages: the room's `sent` after this message (marking read up to it)
    version: int
    created_at: str
    updated_at: str


# -- constructors -----------------------------------------------------------------------------------
def new_room(
    room_id: int, provedor_id: int, *, name: str, description: str | None, room_type: str, team_id: int | None,
    creator: int, now: str,
) -> Room:  # fmt: skip
    return {
        "id": room_id,
        "provedor_id": provedor_id,
        "name": name,
        "description": description or "",
        "room_type": room_type,
        "team_id": team_id,
        "created_by": creator,
        "participants": {},
        "participant_count": 0,
        "seq": 0,
        "sent": {},
        "last_message": None,
        "is_active": True,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def new_participant(participant_id: int, room: Mapping[str, Any], user_id: int, role: str, now: str) -> Participant:
    """A participant who joins now has read everything before: only later messages are unread for them."""
    return {
        "id": participant_id,
        "provedor_id": int(room["provedor_id"]),
        "room_id": int(room["id"]),
        "user_id": user_id,
        "role": role,
        "read_seq": int(room.get("seq") or 0),
        "read_sent": dict(room.get("sent") or {}),
        "joined_at": now,
    }


def reply_preview(replied: Mapping[str, Any]) -> dict[str, Any]:
    content = "" if replied.get("is_deleted") else str(replied.get("content") or "")
    return {"id": int(replied["id"]), "content": content[:REPLY_PREVIEW], "sender_id": int(replied["sender_id"])}


def new_message(
    message_id: int, provedor_id: int, sender_id: int, content: str, now: str, *, room: int | None = None,
    recipient_id: int | None = None, file: ChatFile | None = None, message_type: str = "text",
    reply_to: Mapping[str, Any] | None = None,
) -> ChatMessage:  # fmt: skip
    message: ChatMessage = {
        "id": message_id,
        "provedor_id": provedor_id,
        "room": room,
        "recipient_id": recipient_id,
        "sender_id": sender_id,
        "content": content,
        "message_type": message_type,
        "file": file,
        "reply_to": reply_preview(reply_to) if reply_to is not None else None,
        "reactions": {},
        "is_edited": False,
        "edits": [],
        "is_deleted": False,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    return message


def numbered(message: ChatMessage, room: Mapping[str, Any]) -> ChatMessage:
    """The room message as the room's next one: its `seq` and the room's `sent` after it."""
    tally = {**(room.get("sent") or {})}
    sender = str(message["sender_id"])
    tally[sender] = int(tally.get(sender) or 0) + 1
    return {**message, "seq": int(room.get("seq") or 0) + 1, "tally": tally}


def last_message(message: Mapping[str, Any]) -> dict[str, Any]:
    """What a room's list shows of its newest message."""
    return {"id": message["id"], "sender_id": message["sender_id"], "content": str(message["content"])[:REPLY_PREVIEW],
            "message_type": message["message_type"], "created_at": message["created_at"]}  # fmt: skip


# -- rules --------------------------------------------------------------------------------------------
def is_participant(room: Mapping[str, Any], user_id: int) -> bool:
    return str(user_id) in (room.get("participants") or {})


def is_room_admin(room: Mapping[str, Any], user_id: int) -> bool:
    return (room.get("participants") or {}).get(str(user_id)) == ROOM_ADMIN


def participant_ids(room: Mapping[str, Any]) -> list[int]:
    return sorted(int(user) for user in room.get("participants") or {})


def unread(room: Mapping[str, Any], participant: Mapping[str, Any]) -> int:
    return max(0, int(room.get("seq") or 0) - int(participant.get("read_seq") or 0))


def unread_by_sender(room: Mapping[str, Any], participant: Mapping[str, Any]) -> dict[str, int]:
    """Sender id (as text) → messages of theirs the participant has not read (the participant's own never)."""
    read = participant.get("read_sent") or {}
    me = str(participant["user_id"])
    counts = {s: int(n) - int(read.get(s) or 0) for s, n in (room.get("sent") or {}).items() if s != me}
    return {sender: n for sender, n in counts.items() if n > 0}


def toggle_reaction(reactions: Mapping[str, list[int]], emoji: str, user_id: int) -> dict[str, list[int]]:
    """One reaction per user and emoji: the same one again takes it back."""
    changed = {e: list(users) for e, users in reactions.items()}
    users = changed.get(emoji, [])
    if user_id in users:
        users.remove(user_id)
    else:
        users.append(user_id)
    changed[emoji] = users
    return {e: u for e, u in changed.items() if u}


def edited(message: Mapping[str, Any], content: str, now: str) -> dict[str, Any]:
    """The changes of an edit: the new text, the previous one kept in `edits`."""
    edits = [*(message.get("edits") or []), {"content": str(message["content"]), "edited_at": now}]
    return {"content": content, "is_edited": True, "edits": edits, "updated_at": now}


def deleted(now: str) -> dict[str, Any]:
    """The changes of a soft delete: the text, the file, the earlier texts and the reactions are gone."""
    return {"content": "", "file": None, "edits": [], "reactions": {}, "is_deleted": True, "updated_at": now}


def pair(a: int, b: int) -> tuple[int, int]:
    """The two colleagues of a private conversation, in a fixed order."""
    return (a, b) if a < b else (b, a)
