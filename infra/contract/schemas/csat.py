"""CSAT: settings, surveys, answers and their statistics."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from infra.contract.schemas.common import Shape, Timestamp, mirror
from niochat.csat import views

CsatOverride = mirror("CsatOverride", views.SurveyOverride)
CsatSettings = mirror(
    "CsatSettings",
    views.SettingsView,
    delay_minutes=(int, Field(description="Minutes from the close to the survey (0: the next timers' tick)")),
    expiry_minutes=(int, Field(description="Minutes a sent survey waits for its answer")),
    survey_text=(str, Field(description="Placeholders: {nome} (the contact's first name) and {provedor}")),
    inboxes=(dict[str, CsatOverride], Field(description="Per inbox id: the fields it does differently")),
)


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


CsatRecentFeedback = mirror("CsatRecentFeedback", views.RecentFeedback)


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
