"""The WebSocket API (`/ws/dashboard/?token=<token>`) for the OpenAPI document's `x-websocket-events`: what a
client sends, and every event the server pushes with its `data` schema (docs/realtime.md tells who gets what).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from infra import routes
from infra.contract.schemas.chat import ChatMessage, Reaction
from infra.contract.schemas.common import Person, Shape, Timestamp
from infra.contract.schemas.conversations import Conversation
from infra.contract.schemas.messages import MessagePreview
from infra.contract.schemas.reports import DayFigures


class LiveMessage(MessagePreview):
    sender: Person | Literal["customer"] | None


class ChatMessageData(Shape):
    conversation_id: int
    message: LiveMessage


class MessageReactionData(Shape):
    conversation_id: int
    message_id: int
    reaction: str = Field(description='The reaction added or changed ("" when one was removed)')
    reactions: list[Any]


class MessageDeletedData(Shape):
    conversation_id: int
    message_id: int


class ConversationUpdatedData(Shape):
    conversation: Conversation = Field(description="The API's shape without `unread_count` (each reader has theirs)")


class Counts(Shape):
    open: int
    pending: int
    snoozed: int
    closed: int


class DashboardMetricsData(Shape):
    total_conversations: int
    open_conversations: int
    pending_conversations: int
    snoozed_conversations: int
    closed_conversations: int
    by_assignee: dict[str, Counts] | None = Field(None, description="Admins: per user id (or `none`)")
    mine: Counts | None = Field(None, description="Agents: their own counts")
    today: DayFigures = Field(description="The provedor's figures of its local today, for every receiver")


class AuditLogData(Shape):
    action: str
    details: dict[str, Any]
    user: Person | None
    timestamp: Timestamp


class CsatUpdateData(Shape):
    conversation_id: int
    rating: int
    feedback: str
    feedback_id: int
    emoji_rating: str
    agent: int | None = Field(description="The conversation's assignee when it closed")


class RecoveryUpdateData(Shape):
    id: int = Field(description="The attempt")
    conversation_id: int
    attempt_number: int
    status: str = Field(description="pending, sent, recovered, no_response or failed")
    contact_name: str
    phone: str
    message_sent: str
    sent_at: str | None
    reason: str


class UserStatusData(Shape):
    user_id: int
    status: Literal["online", "offline"]


class RoomMessageData(Shape):
    room_id: int | None = Field(description="The room (null for a private message's update)")
    message: ChatMessage = Field(description="As the API shows it; `file_url` relative to the API root")


class RoomReactionData(RoomMessageData):
    message_id: int
    reactions: list[Reaction]


class PrivateMessageData(Shape):
    sender: Person | None
    recipient: int | None
    message: ChatMessage


class PrivateReadData(Shape):
    reader: int = Field(description="Who read")
    user: int = Field(description="Whose messages they read")


class UnreadCountData(Shape):
    total_unread: int = Field(description="Unread room messages")
    unread_by_user: dict[str, int] = Field(description="Unread room messages by sender id")
    private: dict[str, int] = Field(description="Unread private messages by sender id")


EVENTS: dict[str, tuple[type[Shape], str]] = {
    "chat_message": (ChatMessageData, "A message stored in a conversation the receiver may see"),
    "message_reaction": (MessageReactionData, "A message's reactions changed"),
    "message_deleted": (MessageDeletedData, "A message was deleted for everyone"),
    "conversation_updated": (ConversationUpdatedData, "A conversation created, or its status, assignee or team"),
    "dashboard_metrics": (DashboardMetricsData, "The provedor's conversation counts changed"),
    "audit_log": (AuditLogData, "An audit entry (admins)"),
    "user_status": (UserStatusData, "A user's first connection opened or last one closed"),
    "csat_update": (CsatUpdateData, "A customer answered a CSAT survey (admins, and the agent it rated)"),
    "recovery_update": (RecoveryUpdateData, "A recovery attempt was sent, failed, answered or ended (admins)"),
    "internal_chat_message": (RoomMessageData, "A message posted to a room (its participants only)"),
    "internal_chat_message_updated": (RoomMessageData, "A chat message edited or deleted (the people of the chat)"),
    "internal_chat_reaction": (RoomReactionData, "A chat message's reactions changed (the people of the chat)"),
    "private_message": (PrivateMessageData, "A private message (its sender and its recipient)"),
    "private_message_read": (PrivateReadData, "A colleague read the private messages sent to them (both)"),
    "unread_count_update": (UnreadCountData, "The receiver's own unread counts changed"),
}
MODELS = tuple(model for model, _ in EVENTS.values())


def extension(ref: str) -> dict[str, Any]:
    def schema(model: type[Shape]) -> dict[str, str]:
        return {"$ref": ref.format(model=model.__name__)}

    return {
        "url": f"{routes.WEBSOCKET_PATH}/?token={{token}}",
        "description": "The dashboard's live events. A bad token refuses the handshake (401). Every event is "
        '`{"type", "id", "seq", "data"}`; `seq` grows by one per event of the provedor, and '
        "`GET /api/events/?after=<seq>` returns what a client missed. An event too large for one frame comes "
        'as a reference (`data: {"reference": true, "url": …}`) to that endpoint.',
        "client": {"ping": {"payload": {"action": "ping"}, "reply": {"type": "pong"}}},
        "envelope": {
            "type": "object",
            "required": ["type", "id", "seq", "data"],
            "properties": {
                "type": {"type": "string", "enum": list(EVENTS)},
                "id": {"type": "string"},
                "seq": {"type": "integer"},
                "data": {"type": "object"},
            },
        },
        "events": {name: {"summary": summary, "data": schema(model)} for name, (model, summary) in EVENTS.items()},
    }
