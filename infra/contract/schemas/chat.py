"""Team chat: rooms, participants, chat messages (of a room or between two colleagues) and unread counts
(docs/team-chat.md). Each model mirrors a view of niochat.chat.views."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from infra.contract.schemas.common import Person, Shape, Timestamp

RoomType = Literal["general", "support", "sales", "team", "private"]
RoomRole = Literal["admin", "member"]
ChatMessageType = Literal["text", "image", "audio", "video", "file"]


class RoomLastMessage(Shape):
    id: int
    sender_id: int
    sender: Person | None
    content: str = Field(description="The first 100 characters")
    message_type: ChatMessageType
    created_at: Timestamp


class Room(Shape):
    id: int
    name: str
    description: str
    room_type: RoomType
    team: int | None = Field(description="The team a `team` room follows")
    provedor: int
    created_by: Person | None
    participant_count: int
    is_participant: bool = Field(description="Whether the caller takes part (admins see every room)")
    role: RoomRole | None = Field(description="The caller's role in the room; null when not a participant")
    last_message: RoomLastMessage | None
    unread_count: int = Field(description="The caller's unread messages in the room")
    is_active: bool
    created_at: Timestamp
    updated_at: Timestamp


class Participant(Shape):
    id: int
    room: int
    user: Person | None
    role: RoomRole
    joined_at: Timestamp
    last_read_seq: int = Field(description="The number of the last room message they read")


class Reply(Shape):
    id: int
    content: str = Field(description="The first 100 characters of the message answered (empty if deleted)")
    sender: Person | None


class Reaction(Shape):
    emoji: str
    users: list[int]


class ChatMessage(Shape):
    id: int
    room: int | None = Field(description="The room; null for a private message")
    recipient: int | None = Field(description="The colleague a private message is for; null in a room")
    sender: Person | None
    content: str
    message_type: ChatMessageType
    file_url: str | None = Field(description="The file, through the API (participants only, a redirect)")
    file_name: str | None
    file_size: int | None
    reply_to: Reply | None
    reactions: list[Reaction]
    is_edited: bool
    is_deleted: bool
    created_at: Timestamp
    updated_at: Timestamp


class RoomRead(Shape):
    room: int
    read_seq: int
    unread_count: int


class PrivateRead(Shape):
    user: int
    unread_count: int


class UnreadTotal(Shape):
    total_unread: int = Field(description="Unread messages across the caller's rooms")


UNREAD_BY_SENDER = {
    "type": "object",
    "description": "Sender's user id → messages of theirs the caller has not read (only senders with some)",
    "additionalProperties": {"type": "integer", "minimum": 1},
}
