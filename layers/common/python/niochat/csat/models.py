"""Request models of the CSAT endpoints."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field, StrictBool, StrictInt, model_validator

from niochat.domain import csat
from niochat.models import RequestModel

MAX_TEXT = 1000
MAX_DELAY_MINUTES = 7 * 24 * 60
MAX_EXPIRY_MINUTES = 30 * 24 * 60


def _template(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("Este campo não pode ficar em branco")
    unknown = csat.unknown_placeholders(value)
    if unknown:
        names = ", ".join("{" + name + "}" for name in unknown)
        raise ValueError(f"Marcadores desconhecidos: {names}. Use apenas {{nome}} e {{provedor}}")
    return value


Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT), AfterValidator(_template)]
Delay = Annotated[StrictInt, Field(ge=0, le=MAX_DELAY_MINUTES)]
Expiry = Annotated[StrictInt, Field(ge=1, le=MAX_EXPIRY_MINUTES)]


class _Survey(RequestModel):
    """The settings of a survey, each unset unless sent."""

    enabled: StrictBool | None = None
    delay_minutes: Delay | None = None
    expiry_minutes: Expiry | None = None
    survey_text: Text | None = None
    thanks_text: Text | None = None


class InboxOverride(_Survey):
    """What one inbox does differently from the provedor's settings (unset: the provedor's value)."""


class SettingsPatch(_Survey):
    # inbox id → its override; null removes an inbox's override.
    inboxes: dict[str, InboxOverride | None] | None = Field(None, max_length=200)
    provedor: StrictInt | None = None  # a superadmin names the provedor

    @model_validator(mode="after")
    def _inbox_ids(self) -> SettingsPatch:
        for key in self.inboxes or {}:
            if not key.isdigit():
                raise ValueError(f"Inbox inválida: {key!r}")
        return self


class FeedbackQuery(RequestModel):
    rating: int | None = Field(None, ge=1, le=5)
    agent: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    provedor: int | None = None

    @model_validator(mode="after")
    def _window(self) -> FeedbackQuery:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from deve ser anterior ou igual a date_to")
        return self


class StatsQuery(RequestModel):
    days: int = Field(30, ge=1, le=366)
    agent: int | None = None
    provedor: int | None = None


class RequestQuery(RequestModel):
    status: csat.RequestStatus | None = None
    provedor: int | None = None


class WebhookAnswer(RequestModel):
    conversation_id: StrictInt = Field(ge=1)
    rating: StrictInt = Field(ge=1, le=5)
    feedback: str | None = Field(None, max_length=csat.MAX_COMMENT_CHARS)
