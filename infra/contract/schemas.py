"""The API's response shapes as pydantic models, for the OpenAPI document.

Each model mirrors one view of the code (the TypedDicts of `niochat.<area>.views`); a unit test
compares their fields with the views' field lists, and the fuzz run (tests/e2e/test_contract_fuzz.py)
checks every response it gets against them. `extra="forbid"`: a field a view adds without its model here
fails that check.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Timestamp = str  # ISO 8601, UTC, microseconds
Attributes = dict[str, Any]
ChannelType = Literal["whatsapp", "telegram", "email", "webchat"]
UserType = Literal["superadmin", "admin", "agent"]
ConversationStatus = Literal["open", "pending", "snoozed", "closed"]


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- errors -------------------------------------------------------------------------------------------------
class Error(Shape):
    """Every error but one (see PlainError): the seed's `{"error", "message", "details"}`."""

    error: str = Field(description="The error's type: ValidationError, AuthenticationError, PermissionError…")
    message: str = Field(description="What went wrong, in Portuguese")
    details: dict[str, Any] | None = Field(
        None, description="For a ValidationError: `field`, `message` and `errors` (every problem)"
    )


class PlainError(Shape):
    """The seed's `{"error": <message>}`, used only by `POST /api/auth/session-timeout/`."""

    error: str


class MessageBody(Shape):
    message: str


# -- system -------------------------------------------------------------------------------------------------
class Check(Shape):
    status: Literal["ok", "error"]
    latency_ms: float | None = None
    error: str | None = Field(None, description="The failing dependency's error code (its text is only logged)")


class Health(Shape):
    status: Literal["ok", "unavailable"]
    time: Timestamp
    checks: dict[str, Check]
    error: str | None = None
    message: str | None = None
    details: dict[str, Any] | None = None


class Version(Shape):
    version: str
    date: str | None
    changes: dict[str, list[str]]


class Changelog(Shape):
    current_version: str | None
    versions: list[Version]


# -- auth ---------------------------------------------------------------------------------------------------
class Token(Shape):
    token: str = Field(description="Send it as `Authorization: Token <token>`")


class Me(Shape):
    id: int
    username: str
    email: str | None
    first_name: str
    last_name: str
    provedor_id: int | None
    user_type: UserType
    permissions: list[str]
    sound_notifications_enabled: bool
    new_message_sound: str
    new_conversation_sound: str
    session_timeout: int


class SessionTimeoutBody(Shape):
    timeout: int = Field(ge=1, le=720, description="Minutes of inactivity before the token expires")


class SessionTimeout(Shape):
    message: str
    session_timeout: int


# -- directory ----------------------------------------------------------------------------------------------
class Provedor(Shape):
    id: int
    nome: str
    email_contato: str | None
    is_active: bool
    created_at: Timestamp
    updated_at: Timestamp


class User(Shape):
    id: int
    username: str
    email: str | None
    first_name: str
    last_name: str
    provedor_id: int | None
    user_type: UserType
    permissions: list[str]
    is_active: bool
    session_timeout: int
    sound_notifications_enabled: bool
    new_message_sound: str
    new_conversation_sound: str
    last_login: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp


class Colleague(Shape):
    """What an agent sees of another user of their provedor."""

    id: int
    username: str
    first_name: str
    last_name: str
    user_type: UserType
    is_active: bool


# -- contacts and inboxes -----------------------------------------------------------------------------------
class Inbox(Shape):
    id: int
    name: str
    channel_type: ChannelType
    channel: int | None
    is_active: bool
    provedor: int
    settings: dict[str, Any] = Field(description="Secrets masked (`abcd…wxyz`) except in the creation's 201")
    webhook_url: str | None
    webhook_secret: str | None
    connection_status: str | None
    created_at: Timestamp
    updated_at: Timestamp | None


class InboxSummary(Shape):
    id: int
    name: str
    channel_type: ChannelType
    is_active: bool | None
    created_at: Timestamp | None
    provedor: int


class _ContactFields(Shape):
    id: int
    name: str
    email: str | None
    phone: str = Field(description="E.164, e.g. +5511999999999")
    avatar: str | None
    provedor: int
    additional_attributes: Attributes
    created_at: Timestamp
    updated_at: Timestamp
    is_online: bool
    last_seen: Timestamp | None
    conversation_count: int
    unread_messages: int


class Contact(_ContactFields):
    inbox: int | None


class ConversationContact(_ContactFields):
    inbox: InboxSummary | None


# -- teams --------------------------------------------------------------------------------------------------
class Team(Shape):
    id: int
    name: str
    description: str
    provedor: int
    is_active: bool
    members_count: int
    created_at: Timestamp
    updated_at: Timestamp


class MemberUser(Shape):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str | None
    user_type: UserType
    is_active: bool


class Member(Shape):
    id: int
    team: int
    user: MemberUser | None
    role: Literal["member", "leader"]
    joined_at: Timestamp | None
    provedor: int


# -- conversations and messages -----------------------------------------------------------------------------
class Person(Shape):
    """Who did something: a user's id, username and (when known) first name."""

    id: int
    username: str
    first_name: str | None = None


class TeamRef(Shape):
    id: int
    name: str


class MessagePreview(Shape):
    id: int
    conversation: int
    message_type: str
    media_type: str
    file_url: str | None
    content: str | None
    is_from_customer: bool
    created_at: Timestamp
    external_id: str | None
    additional_attributes: Attributes
    status: str | None


class ProviderFailure(Shape):
    status: int | None
    message: str


class Message(Shape):
    id: int
    conversation: int
    message_type: Literal["incoming", "outgoing", "activity"]
    media_type: str
    file_url: str | None = Field(description="The API's media URL (a redirect to a short-lived S3 link)")
    content: str | None
    is_from_customer: bool
    created_at: Timestamp
    external_id: str | None
    additional_attributes: Attributes
    status: str | None
    file_name: str | None = Field(description="As the customer (or the agent's upload) named the file")
    mime_type: str | None
    sender: Person | None
    updated_at: Timestamp | None
    error: ProviderFailure | None
    media_status: Literal["pending", "ready", "too_large", "failed"] | None = Field(
        description="A file's state: `pending` while the timers fetch it from WhatsApp, then `ready`, or "
        "`failed` after the last attempt, or `too_large`; null for a message without a file"
    )
    media_error: str | None = Field(description="Why the file is not available (the last attempt's error)")


class Conversation(Shape):
    id: int
    contact: ConversationContact | None
    inbox: InboxSummary | None
    assignee: Person | None
    team: TeamRef | None
    status: ConversationStatus
    additional_attributes: Attributes
    last_message: MessagePreview | None
    last_message_at: Timestamp | None
    unread_count: int
    closed_at: Timestamp | None
    resolution_notes: str | None
    provedor: int
    created_at: Timestamp
    updated_at: Timestamp


class ActionResult(Shape):
    success: bool
    message: str
    conversation: Conversation


class AuditEntry(Shape):
    id: int
    action: str
    details: Attributes
    user: Person | None
    timestamp: Timestamp


# -- realtime -----------------------------------------------------------------------------------------------
class Event(Shape):
    type: str
    id: str
    seq: int
    data: dict[str, Any]


class MissedEvents(Shape):
    results: list[Event]
    last_seq: int
    has_more: bool
    reset: bool = Field(description="Events after `after` are no longer kept: reload over REST, go on from last_seq")


# -- CSAT ---------------------------------------------------------------------------------------------------
class CsatOverride(Shape):
    enabled: bool | None = None
    delay_minutes: int | None = None
    expiry_minutes: int | None = None
    survey_text: str | None = None
    thanks_text: str | None = None


class CsatSettings(Shape):
    provedor: int
    enabled: bool
    delay_minutes: int = Field(description="Minutes from the close to the survey (0: the next timers' tick)")
    expiry_minutes: int = Field(description="Minutes a sent survey waits for its answer")
    survey_text: str = Field(description="Placeholders: {nome} (the contact's first name) and {provedor}")
    thanks_text: str
    inboxes: dict[str, CsatOverride] = Field(description="Per inbox id: the fields it does differently")
    placeholders: list[str]
    webhook_secret_set: bool
    updated_at: Timestamp | None


class CsatWebhookSecret(Shape):
    webhook_url: str = Field(description="POST /api/csat/webhook/ with the new secret: shown this once")
    webhook_secret: str
    created_at: Timestamp


class CsatFeedback(Shape):
    id: int
    conversation: int
    contact: int
    contact_name: str
    contact_phone: str | None
    contact_photo: str | None
    emoji_rating: str
    rating_value: int = Field(ge=1, le=5)
    rating_display: str
    channel_type: str = Field(description="The inbox's channel, or `webhook` for an answer through the webhook")
    feedback: str = Field(description="The comment after the rating")
    original_message: str
    agent: int | None = Field(description="The conversation's assignee when it closed")
    agent_name: str | None
    team: int | None
    team_name: str | None
    feedback_sent_at: Timestamp = Field(description="When the customer answered")
    conversation_ended_at: Timestamp
    response_time_minutes: float | None


class CsatRecentFeedback(Shape):
    id: int
    conversation: int
    contact_name: str
    contact_photo: str | None
    emoji_rating: str
    rating_value: int
    rating_display: str
    feedback: str
    original_message: str
    agent: int | None
    agent_name: str | None
    feedback_sent_at: Timestamp


class CsatRequest(Shape):
    id: int
    conversation: int
    contact: int
    contact_name: str
    status: Literal["pending", "sending", "sent", "answered", "expired", "cancelled", "failed"]
    conversation_ended_at: Timestamp
    scheduled_send_at: Timestamp | None
    sent_at: Timestamp | None
    answered_at: Timestamp | None
    expires_at: Timestamp | None
    channel_type: str | None
    agent: int | None
    agent_name: str | None
    team: int | None
    attempts: int
    error: str | None = Field(description="Why it was cancelled or why its last send failed")
    feedback: CsatFeedback | None


class CsatRatingCount(Shape):
    emoji_rating: str
    rating_value: int
    rating_display: str
    count: int


class CsatChannelCount(Shape):
    channel_type: str
    count: int


class CsatDay(Shape):
    day: str = Field(description="A local date (YYYY-MM-DD)")
    count: int
    avg_rating: float


class CsatStats(Shape):
    total_feedbacks: int
    average_rating: float
    satisfaction_rate: float = Field(description="% of answers rated 4 or 5")
    rating_distribution: list[CsatRatingCount]
    channel_distribution: list[CsatChannelCount]
    daily_stats: list[CsatDay] = Field(description="Every day of the window, oldest first, zeros included")
    recent_feedbacks: list[CsatRecentFeedback]
    response_rate: float = Field(description="% of the surveys sent in the window that were answered")
    total_requests_sent: int
    days: int
    agent: int | None = Field(description="The agent the figures are narrowed to (an agent: always themself)")


# -- webhooks -----------------------------------------------------------------------------------------------
class WebhookQuery(BaseModel):
    secret: str | None = Field(None, description="The secret of the inbox's webhook URL")


class WebhookResult(Shape):
    """What the delivery did (`stored`, `duplicate`, `ignored`, …) and to which message and conversation."""

    status: str
    event: str | None = None
    reason: str | None = None
    message_id: int | None = None
    conversation_id: int | None = None
    contact_id: int | None = None
    media_status: str | None = None
    feedback_id: int | None = Field(None, description="A CSAT answer (`event: csat_answer`): the feedback stored")
    rating: int | None = None


def page_of(name: str, item: dict[str, Any]) -> dict[str, Any]:
    """DRF's page `{count, next, previous, results}` of `item` (a JSON schema)."""
    nullable_url = {"type": ["string", "null"], "format": "uri"}
    return {
        "title": name,
        "type": "object",
        "additionalProperties": False,
        "required": ["count", "next", "previous", "results"],
        "properties": {
            "count": {"type": "integer", "minimum": 0},
            "next": nullable_url,
            "previous": nullable_url,
            "results": {"type": "array", "items": item},
        },
    }
