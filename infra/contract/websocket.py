"""The WebSocket API (`/ws/dashboard/?token=<token>`) for the OpenAPI document's `x-websocket-events`: what a
client sends, and every event the server pushes with its `data` schema (docs/realtime.md tells who gets what).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from infra import routes
from infra.contract.schemas import (
    Conversation,
    MessagePreview,
    Person,
    Shape,
    Timestamp,
)


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


class UserStatusData(Shape):
    user_id: int
    status: Literal["online", "offline"]


EVENTS: dict[str, tuple[type[Shape], str]] = {
    "chat_message": (ChatMessageData, "A message stored in a conversation the receiver may see"),
    "message_reaction": (MessageReactionData, "A message's reactions changed"),
    "message_deleted": (MessageDeletedData, "A message was deleted for everyone"),
    "conversation_updated": (ConversationUpdatedData, "A conversation created, or its status, assignee or team"),
    "dashboard_metrics": (DashboardMetricsData, "The provedor's conversation counts changed"),
    "audit_log": (AuditLogData, "An audit entry (admins)"),
    "user_status": (UserStatusData, "A user's first connection opened or last one closed"),
    "csat_update": (CsatUpdateData, "A customer answered a CSAT survey (admins, and the agent it rated)"),
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
