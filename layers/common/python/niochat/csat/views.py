"""CSAT settings and items as the API shows them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from niochat.domain import csat
from niochat.views import fields_of, settings_of


class SurveyOverride(TypedDict, total=False):
    """What one inbox does differently from the provedor's settings: the fields it sets."""

    enabled: bool
    delay_minutes: int
    expiry_minutes: int
    survey_text: str
    thanks_text: str


class SettingsView(TypedDict):
    """The settings in force, the inbox overrides, and whether a webhook secret exists (never the secret)."""

    provedor: int
    enabled: bool
    delay_minutes: int
    expiry_minutes: int
    survey_text: str
    thanks_text: str
    inboxes: dict[str, SurveyOverride]  # per inbox id
    placeholders: list[str]
    webhook_secret_set: bool
    updated_at: str | None


def settings(provedor_id: int, stored: Mapping[str, Any] | None) -> SettingsView:
    return settings_of(
        SettingsView,
        provedor_id,
        stored,
        csat.Settings.of(stored)._asdict(),
        inboxes={key: dict(value) for key, value in ((stored or {}).get("inboxes") or {}).items()},
        placeholders=[f"{{{name}}}" for name in csat.PLACEHOLDERS],
        webhook_secret_set=bool((stored or {}).get("webhook_secret_hash")),
    )


class _About(TypedDict):
    """The conversation and the contact a CSAT item is about."""

    id: int
    conversation: int
    contact: int
    contact_name: str


class FeedbackView(_About):
    contact_phone: str | None
    contact_photo: str | None
    emoji_rating: str
    rating_value: int
    rating_display: str
    channel_type: str
    feedback: str
    original_message: str
    agent: int | None  # the conversation's assignee at the close
    agent_name: str | None
    team: int | None
    team_name: str | None
    feedback_sent_at: str  # when the customer answered
    conversation_ended_at: str
    response_time_minutes: float | None


class RecentFeedback(TypedDict):
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
    feedback_sent_at: str


class RequestView(_About):
    status: str
    conversation_ended_at: str
    scheduled_send_at: str | None
    sent_at: str | None
    answered_at: str | None
    expires_at: str | None
    channel_type: str | None
    agent: int | None
    agent_name: str | None
    team: int | None
    attempts: int
    error: str | None
    feedback: FeedbackView | None


def _agent(item: Mapping[str, Any]) -> tuple[int | None, str | None]:
    agent = item.get("agent") or {}
    return agent.get("id"), (agent.get("first_name") or agent.get("username")) if agent else None


def _team(item: Mapping[str, Any]) -> tuple[int | None, str | None]:
    team = item.get("team") or {}
    return team.get("id"), team.get("name")


def _about(item: Mapping[str, Any]) -> _About:
    return {
        "id": item["id"],
        "conversation": item["conversation_id"],
        "contact": item["contact_id"],
        "contact_name": item.get("contact_name") or "",
    }


def feedback(item: Mapping[str, Any]) -> FeedbackView:
    agent_id, agent_name = _agent(item)
    team_id, team_name = _team(item)
    return {
        **_about(item),
        "contact_phone": item.get("contact_phone"),
        "contact_photo": item.get("contact_photo"),
        "emoji_rating": item["emoji_rating"],
        "rating_value": item["rating_value"],
        "rating_display": item["rating_display"],
        "channel_type": item["channel_type"],
        "feedback": item.get("feedback") or "",
        "original_message": item.get("original_message") or "",
        "agent": agent_id,
        "agent_name": agent_name,
        "team": team_id,
        "team_name": team_name,
        "feedback_sent_at": item["feedback_sent_at"],
        "conversation_ended_at": item["conversation_ended_at"],
        "response_time_minutes": item.get("response_time_minutes"),
    }


def recent(item: Mapping[str, Any]) -> RecentFeedback:
    """A feedback in the stats' `recent_feedbacks` (the seed's fields)."""
    return fields_of(RecentFeedback, feedback(item))


def request(item: Mapping[str, Any], feedback_item: Mapping[str, Any] | None = None) -> RequestView:
    agent_id, agent_name = _agent(item)
    team_id, _ = _team(item)
    return {
        **_about(item),
        "status": item["status"],
        "conversation_ended_at": item["conversation_ended_at"],
        "scheduled_send_at": item.get("scheduled_send_at"),
        "sent_at": item.get("sent_at"),
        "answered_at": item.get("answered_at"),
        "expires_at": item.get("expires_at"),
        "channel_type": item.get("channel_type"),
        "agent": agent_id,
        "agent_name": agent_name,
        "team": team_id,
        "attempts": int(item.get("attempts") or 0),
        "error": item.get("error"),
        "feedback": feedback(feedback_item) if feedback_item is not None else None,
    }
