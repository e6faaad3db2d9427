"""Request models of the report endpoints."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictInt, StrictStr, field_validator

from niochat.domain import calendar
from niochat.models import RequestModel

MAX_DAYS = 366


class StatsQuery(RequestModel):
    days: int = Field(30, ge=1, le=MAX_DAYS)
    business_hours: bool = False
    provedor: int | None = None  # a superadmin names the provedor


class HourlyQuery(RequestModel):
    days: int = Field(7, ge=1, le=MAX_DAYS)
    business_hours: bool = False
    provedor: int | None = None


class AnalysisQuery(RequestModel):
    period: Literal["today", "week", "month", "quarter"] = "week"
    business_hours: bool = False
    provedor: int | None = None


class CalendarPatch(RequestModel):
    timezone: StrictStr | None = Field(None, max_length=64)
    # weekday (monday … sunday) → periods "HH:MM-HH:MM"; a weekday left out keeps its periods, [] closes it.
    business_hours: dict[str, list[StrictStr]] | None = None
    provedor: StrictInt | None = None

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            calendar.zone(value)  # CalendarError is a ValueError: a 400 naming the field
        return value

    @field_validator("business_hours")
    @classmethod
    def _hours(cls, value: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
        if value is None:
            return None
        unknown = sorted(set(value) - set(calendar.WEEKDAYS))
        if unknown:
            raise ValueError(f"Dias desconhecidos: {', '.join(unknown)} (use {', '.join(calendar.WEEKDAYS)})")
        for day, periods in value.items():
            calendar.parse_periods(day, periods)
        return value
