"""A provedor's calendar (pure): its time zone and opening hours, the local day and hour of a moment, and how
many seconds of a span fall inside the opening hours.

Opening hours are per weekday, a few periods `HH:MM-HH:MM` each (start before end, in order, not
overlapping); a weekday without periods is closed. They are kept as minutes since local midnight. Spans are
measured in the provedor's zone, so a day of a daylight-saving change has its real length.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "America/Sao_Paulo"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_HOURS: dict[str, list[str]] = {day: ["08:00-18:00"] for day in WEEKDAYS[:5]}
MAX_PERIODS = 4
# A span longer than this (a conversation open for over a year) is measured up to it: a bound on the work.
MAX_SPAN_DAYS = 400


class CalendarError(ValueError):
    """A time zone or an opening-hours period that is not valid (the message says why, in Portuguese)."""


# Files of a zone database that are no IANA zone name (the host's own zone, build leftovers, alternate trees).
_NOT_ZONES = frozenset({"localtime", "posixrules", "factory"})


def zone(name: str) -> ZoneInfo:
    if (not name or len(name) > 64 or name.startswith(("/", ".", "posix/", "right/")) or ".." in name
            or name.lower() in _NOT_ZONES):  # fmt: skip
        raise CalendarError(f"Fuso horário desconhecido: {name!r} (use um nome IANA, como America/Sao_Paulo)")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise CalendarError(f"Fuso horário desconhecido: {name!r} (use um nome IANA, como America/Sao_Paulo)") from None


def _minutes(text: str) -> int:
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) in (1, 2)):
        raise ValueError
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > 24 * 60:
        raise ValueError
    return value


def parse_periods(day: str, periods: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """`["08:00-12:00", "13:00-18:00"]` as minutes; CalendarError names what is wrong."""
    if len(periods) > MAX_PERIODS:
        raise CalendarError(f"{day}: no máximo {MAX_PERIODS} períodos por dia")
    parsed: list[tuple[int, int]] = []
    for period in periods:
        start, separator, end = str(period).replace("–", "-").partition("-")
        try:
            if not separator:
                raise ValueError
            span = (_minutes(start), _minutes(end))
        except ValueError:
            raise CalendarError(f"{day}: período inválido {period!r} (use HH:MM-HH:MM)") from None
        if span[0] >= span[1]:
            raise CalendarError(f"{day}: o período {period!r} termina antes de começar")
        if parsed and span[0] < parsed[-1][1]:
            raise CalendarError(f"{day}: os períodos devem estar em ordem e não se sobrepor")
        parsed.append(span)
    return tuple(parsed)


def _text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def moment(iso: str) -> datetime:
    at = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


class Calendar(NamedTuple):
    zone_name: str = DEFAULT_ZONE
    # weekday (0 = Monday) → periods in minutes since local midnight
    hours: Mapping[int, tuple[tuple[int, int], ...]] = MappingProxyType({})

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.zone_name)

    def local(self, iso: str) -> datetime:
        return moment(iso).astimezone(self.zone)

    def day(self, iso: str) -> str:
        return self.local(iso).date().isoformat()

    def hour(self, iso: str) -> int:
        return self.local(iso).hour

    def today(self, now_iso: str) -> date:
        return self.local(now_iso).date()

    def business_seconds(self, start_iso: str, end_iso: str) -> int:
        """Seconds of [start, end] inside the opening hours (0 when end is not after start)."""
        start, end = moment(start_iso), moment(end_iso)
        if end <= start:
            return 0
        tz = self.zone
        day = start.astimezone(tz).date()
        last = min(end.astimezone(tz).date(), day + timedelta(days=MAX_SPAN_DAYS))
        total = 0.0
        while day <= last:
            for opens, closes in self.hours.get(day.weekday(), ()):
                low = max(start, _at(day, opens, tz))
                high = min(end, _at(day, closes, tz))
                if high > low:  # in UTC: two times of one zone subtract as wall clocks, blind to DST
                    total += (high.astimezone(UTC) - low.astimezone(UTC)).total_seconds()
            day += timedelta(days=1)
        return int(total)

    def next_open(self, at: datetime) -> datetime:
        """`at` when the provedor is open then, else the next opening (within a week); `at` itself for a
        calendar without opening hours (it never closes)."""
        if not any(self.hours.values()):
            return at
        tz = self.zone
        day = at.astimezone(tz).date()
        for offset in range(8):
            current = day + timedelta(days=offset)
            for opens, closes in self.hours.get(current.weekday(), ()):
                start, end = _at(current, opens, tz), _at(current, closes, tz)
                if end > at:
                    return max(start, at)
        return at

    def view(self) -> dict[str, Any]:
        return {
            "timezone": self.zone_name,
            "business_hours": {
                name: [f"{_text(a)}-{_text(b)}" for a, b in self.hours.get(index, ())]
                for index, name in enumerate(WEEKDAYS)
            },
        }


def _at(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
    if minutes >= 24 * 60:
        following = day + timedelta(days=1)
        return datetime(following.year, following.month, following.day, tzinfo=tz)
    return midnight.replace(hour=minutes // 60, minute=minutes % 60)


def of_settings(stored: Mapping[str, Any] | None) -> Calendar:
    """The calendar a settings item describes (the defaults for a provedor that never set one)."""
    stored = stored or {}
    hours_text = stored.get("business_hours")
    if hours_text is None:
        hours_text = DEFAULT_HOURS
    hours = {
        index: parse_periods(name, hours_text.get(name) or [])
        for index, name in enumerate(WEEKDAYS)
        if hours_text.get(name)
    }
    return Calendar(str(stored.get("timezone") or DEFAULT_ZONE), hours)


def format_duration(seconds: float | None) -> str:
    """A duration as the seed shows it: "45s", "1.2min", "2h 5min" ("0min" without samples)."""
    if seconds is None:
        return "0min"
    if round(seconds) < 60:  # 59.6 s is "1.0min", not "60s"
        return f"{round(seconds)}s"
    minutes = f"{seconds / 60:.1f}"
    if seconds < 3600 and minutes != "60.0":  # 3599 s is "1h 0min", not "60.0min"
        return f"{minutes}min"
    hours, rest = divmod(max(round(seconds), 3600), 3600)  # 3597 s and up round to at least "1h 0min"
    return f"{hours}h {rest // 60}min"
