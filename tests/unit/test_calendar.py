"""A provedor's calendar (pure): local days and hours, seconds inside the opening hours (DST included), the
seed's duration texts, and the validation of zones and periods (docs/metrics.md, "Time zone and opening
hours")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from niochat.domain.calendar import (
    DEFAULT_ZONE,
    MAX_SPAN_DAYS,
    WEEKDAYS,
    Calendar,
    CalendarError,
    format_duration,
    of_settings,
    parse_periods,
    zone,
)
from niochat.reports.models import CalendarPatch

HOUR = 3600
WORKDAY = 10 * HOUR  # 08:00-18:00
NEW_YORK, LISBON, SAO_PAULO = "America/New_York", "Europe/Lisbon", "America/Sao_Paulo"


def calendar(timezone: str = DEFAULT_ZONE, **hours: list[str]) -> Calendar:
    """A calendar with only the weekdays given open (none given: the defaults, Monday–Friday 08:00–18:00)."""
    return of_settings({"timezone": timezone, "business_hours": hours or None})


LUNCH = calendar(monday=["08:00-12:00", "13:00-18:00"])


# -- business_seconds: São Paulo is UTC-3 all year since 2019; 2026-01-05 is a Monday ---------------------
@pytest.mark.parametrize(
    ("cal", "start", "end", "expected"),
    [
        # 09:00 → 10:30 local, inside the period
        (calendar(), "2026-01-05T12:00:00Z", "2026-01-05T13:30:00Z", 5400),
        # the same span written with the local offset, and without any (taken as UTC)
        (calendar(), "2026-01-05T09:00:00-03:00", "2026-01-05T10:30:00-03:00", 5400),
        (calendar(), "2026-01-05T12:00:00", "2026-01-05T13:30:00", 5400),
        # 06:00 → 20:00 local: only 08:00-18:00
        (calendar(), "2026-01-05T09:00:00Z", "2026-01-05T23:00:00Z", WORKDAY),
        # 07:00 → 19:00 local with lunch: 4 h + 5 h
        (LUNCH, "2026-01-05T10:00:00Z", "2026-01-05T22:00:00Z", 9 * HOUR),
        # 11:00 → 14:00 local: 11-12 and 13-14
        (LUNCH, "2026-01-05T14:00:00Z", "2026-01-05T17:00:00Z", 2 * HOUR),
        # 12:10 → 12:50 local: all of it at lunch
        (LUNCH, "2026-01-05T15:10:00Z", "2026-01-05T15:50:00Z", 0),
        # Friday 2026-01-16 17:50 → Monday 2026-01-19 08:10 local: 10 min + 10 min, the weekend closed
        (calendar(), "2026-01-16T20:50:00Z", "2026-01-19T11:10:00Z", 1200),
        # three weeks exactly, from a Monday's local midnight: 3 × 5 × 10 h
        (calendar(), "2026-01-05T03:00:00Z", "2026-01-26T03:00:00Z", 3 * 5 * WORKDAY),
        # the same three weeks starting on a Wednesday at noon: still 15 days' worth (half a Wednesday at
        # each end: 5 h on the first, 4 h + 1 h on the last)
        (calendar(), "2026-01-07T15:00:00Z", "2026-01-28T15:00:00Z", 3 * 5 * WORKDAY),
        # a Saturday (no periods) whole
        (calendar(), "2026-01-10T03:00:00Z", "2026-01-11T03:00:00Z", 0),
        # a weekday closed with [] next to an open one
        (calendar(monday=[], tuesday=["08:00-18:00"]), "2026-01-05T03:00:00Z", "2026-01-06T03:00:00Z", 0),
        # the local weekday counts: Friday 20:00 → Saturday 01:00 local is Friday 23:00Z → Saturday 04:00Z,
        # inside Friday's 20:00-24:00
        (calendar(friday=["20:00-24:00"]), "2026-01-16T23:00:00Z", "2026-01-17T04:00:00Z", 4 * HOUR),
        # a fraction of a second is dropped: 08:00:00.5 → 08:00:02 local is 1.5 s
        (calendar(), "2026-01-05T11:00:00.500000Z", "2026-01-05T11:00:02Z", 1),
    ],
)
def test_business_seconds(cal: Calendar, start: str, end: str, expected: int) -> None:
    assert cal.business_seconds(start, end) == expected


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-01-05T13:00:00Z", "2026-01-05T13:00:00Z"),  # start == end
        ("2026-01-05T13:00:00Z", "2026-01-05T12:00:00Z"),  # end an hour before start, inside the period
        ("2026-01-19T11:10:00Z", "2026-01-16T20:50:00Z"),  # end days before start
        ("2026-01-05T13:00:00Z", "2026-01-05T10:00:00-03:00"),  # the same instant in two offsets
    ],
)
def test_business_seconds_are_zero_when_end_is_not_after_start(start: str, end: str) -> None:
    assert calendar().business_seconds(start, end) == 0


def test_a_calendar_without_hours_is_closed_every_day() -> None:
    assert Calendar().business_seconds("2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z") == 0


def test_a_span_longer_than_the_bound_is_measured_up_to_it() -> None:
    always = calendar("UTC", **{day: ["00:00-24:00"] for day in WEEKDAYS})
    measured = always.business_seconds("2026-01-01T00:00:00Z", "2030-01-01T00:00:00Z")
    assert MAX_SPAN_DAYS * 86400 <= measured <= (MAX_SPAN_DAYS + 1) * 86400


# -- business_seconds across daylight-saving changes: real elapsed time inside the local periods ------------
@pytest.mark.parametrize(
    ("cal", "start", "end", "expected"),
    [
        # New York, Sunday 2026-03-08: 02:00 EST → 03:00 EDT. 00:00 EST (05:00Z) → 06:00 EDT (10:00Z) = 5 h
        (calendar(NEW_YORK, sunday=["00:00-06:00"]), "2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z", 5 * HOUR),
        # from 06:00Z (01:00 EST) on: 06:00Z → 10:00Z = 4 h
        (calendar(NEW_YORK, sunday=["00:00-06:00"]), "2026-03-08T06:00:00Z", "2026-03-09T00:00:00Z", 4 * HOUR),
        # the local hour 02:00-03:00 does not exist that day
        (calendar(NEW_YORK, sunday=["02:00-03:00"]), "2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z", 0),
        # New York, Sunday 2026-11-01: 02:00 EDT → 01:00 EST. 00:00 EDT (04:00Z) → 06:00 EST (11:00Z) = 7 h
        (calendar(NEW_YORK, sunday=["00:00-06:00"]), "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", 7 * HOUR),
        # 01:00-02:00 happens twice: 01:00 EDT (05:00Z) → 02:00 EST (07:00Z) = 2 h
        (calendar(NEW_YORK, sunday=["01:00-02:00"]), "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", 2 * HOUR),
        # Friday 2026-03-06 → Monday 2026-03-09 over the change: two whole working days, 10 h each
        (calendar(NEW_YORK), "2026-03-06T13:00:00Z", "2026-03-09T22:00:00Z", 2 * WORKDAY),
        # Lisbon, Sunday 2026-03-29: 01:00 WET → 02:00 WEST. 00:00 WET (00:00Z) → 06:00 WEST (05:00Z) = 5 h
        (calendar(LISBON, sunday=["00:00-06:00"]), "2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z", 5 * HOUR),
        # Lisbon, Sunday 2026-10-25: 02:00 WEST → 01:00 WET. 00:00 WEST (23:00Z Sat) → 06:00 WET (06:00Z) = 7 h
        (calendar(LISBON, sunday=["00:00-06:00"]), "2026-10-24T00:00:00Z", "2026-10-26T00:00:00Z", 7 * HOUR),
        # São Paulo has had no DST since 2019: Sunday 2026-11-01 00:00-06:00 is 6 h (03:00Z → 09:00Z)
        (calendar(SAO_PAULO, sunday=["00:00-06:00"]), "2026-10-31T00:00:00Z", "2026-11-02T00:00:00Z", 6 * HOUR),
        # ... but had it in 2018, at midnight: Sunday 2018-11-04 began at 01:00 -02 (03:00Z) → 06:00 -02
        # (08:00Z) = 5 h
        (calendar(SAO_PAULO, sunday=["00:00-06:00"]), "2018-11-03T00:00:00Z", "2018-11-05T00:00:00Z", 5 * HOUR),
        # ... and Saturday 2019-02-16 lasted 25 h: 00:00 -02 (02:00Z) → Sunday 00:00 -03 (03:00Z next day)
        (calendar(SAO_PAULO, saturday=["00:00-24:00"]), "2019-02-15T00:00:00Z", "2019-02-18T00:00:00Z", 25 * HOUR),
    ],
)
def test_business_seconds_across_daylight_saving_changes(cal: Calendar, start: str, end: str, expected: int) -> None:
    assert cal.business_seconds(start, end) == expected


# -- local day and hour --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("timezone", "at", "day", "hour"),
    [
        # 02:30Z is 23:30 of the day before in São Paulo
        ("America/Sao_Paulo", "2026-01-16T02:30:00Z", "2026-01-15", 23),
        ("America/Sao_Paulo", "2026-01-16T02:59:59.999999Z", "2026-01-15", 23),
        ("America/Sao_Paulo", "2026-01-16T03:00:00Z", "2026-01-16", 0),
        ("America/Sao_Paulo", "2026-01-15T23:30:00-03:00", "2026-01-15", 23),
        ("America/Sao_Paulo", "2026-01-16T02:30:00+00:00", "2026-01-15", 23),
        ("America/Sao_Paulo", "2026-01-16T02:30:00", "2026-01-15", 23),  # no offset: UTC
        # New York's spring change: 06:59:59Z is 01:59:59 EST, 07:00Z is 03:00 EDT
        ("America/New_York", "2026-03-08T06:59:59Z", "2026-03-08", 1),
        ("America/New_York", "2026-03-08T07:00:00Z", "2026-03-08", 3),
        # Lisbon in summer (UTC+1): 23:30Z is 00:30 of the next day
        ("Europe/Lisbon", "2026-07-01T23:30:00Z", "2026-07-02", 0),
        ("Europe/Lisbon", "2026-01-01T23:30:00Z", "2026-01-01", 23),  # winter: UTC+0
    ],
)
def test_local_day_and_hour(timezone: str, at: str, day: str, hour: int) -> None:
    cal = calendar(timezone)
    assert cal.day(at) == day
    assert cal.hour(at) == hour
    assert cal.today(at) == date.fromisoformat(day)
    local = cal.local(at)
    assert (local.date().isoformat(), local.hour) == (day, hour)
    assert str(local.tzinfo) == timezone


def test_local_time_keeps_the_zones_offset() -> None:
    local = calendar().local("2026-01-16T02:30:00Z")
    assert local.utcoffset() == timedelta(hours=-3)
    assert local.isoformat() == "2026-01-15T23:30:00-03:00"


# -- format_duration: "45s", "1.2min", "2h 5min"; "0min" without samples (docs/metrics.md) -------------------
@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "0min"),  # no samples
        (0, "0s"),  # a sample of 0 s
        (0.4, "0s"),
        (45, "45s"),
        (45.0, "45s"),
        (59.4, "59s"),
        (59.6, "1.0min"),  # rounds to 60 s: a minute, not "60s"
        (60, "1.0min"),
        (72, "1.2min"),  # 72 / 60
        (90, "1.5min"),
        (600, "10.0min"),
        (3596, "59.9min"),  # 59.93
        (3599, "1h 0min"),  # 59.98 min: an hour, not "60.0min"
        (3600, "1h 0min"),
        (7500, "2h 5min"),  # 2 × 3600 + 5 × 60
        (90000, "25h 0min"),  # no days: 25 × 3600
    ],
)
def test_format_duration(seconds: float | None, text: str) -> None:
    assert format_duration(seconds) == text


# -- periods -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("periods", "minutes"),
    [
        ([], ()),
        (["08:00-18:00"], ((480, 1080),)),
        (["08:00-12:00", "13:00-18:00"], ((480, 720), (780, 1080))),
        (["08:00-12:00", "12:00-18:00"], ((480, 720), (720, 1080))),  # touching is not overlapping
        (["00:00-24:00"], ((0, 1440),)),  # the whole day
        (
            ["06:00-07:00", "08:00-09:00", "10:00-11:00", "12:00-13:00"],
            ((360, 420), (480, 540), (600, 660), (720, 780)),
        ),
    ],
)
def test_parse_periods(periods: list[str], minutes: tuple[tuple[int, int], ...]) -> None:
    assert parse_periods("monday", periods) == minutes


@pytest.mark.parametrize(
    ("periods", "message"),
    [
        (["25:00-26:00"], "período inválido"),
        (["08:00-24:01"], "período inválido"),
        (["08:60-09:00"], "período inválido"),
        (["008:00-09:00"], "período inválido"),
        (["08:5-09:00"], "período inválido"),
        (["08-12"], "período inválido"),
        (["08:00"], "período inválido"),
        (["08:00-"], "período inválido"),
        (["-08:00"], "período inválido"),
        (["08:00-12:00-13:00"], "período inválido"),
        (["+8:00-9:00"], "período inválido"),
        (["²:00-3:00"], "período inválido"),  # a digit to str.isdigit, not to int()
        (["ab:cd-ef:gh"], "período inválido"),
        ([""], "período inválido"),
        (["10:00-09:00"], "termina antes de começar"),
        (["09:00-09:00"], "termina antes de começar"),
        (["08:00-12:00", "11:00-13:00"], "não se sobrepor"),  # overlapping
        (["13:00-18:00", "08:00-12:00"], "não se sobrepor"),  # out of order
        (["08:00-18:00", "08:00-18:00"], "não se sobrepor"),
        (["06:00-07:00", "08:00-09:00", "10:00-11:00", "12:00-13:00", "14:00-15:00"], "no máximo 4"),
    ],
)
def test_invalid_periods_say_what_is_wrong(periods: list[str], message: str) -> None:
    with pytest.raises(CalendarError, match=message) as raised:
        parse_periods("monday", periods)
    assert str(raised.value).startswith("monday: ")
    assert isinstance(raised.value, ValueError)  # a 400 in the request models


# -- zones ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["America/Sao_Paulo", "America/New_York", "Europe/Lisbon", "UTC"])
def test_iana_zones(name: str) -> None:
    assert zone(name).key == name


@pytest.mark.parametrize(
    "name",
    [
        "",
        "../etc/passwd",
        "/etc/localtime",
        "/usr/share/zoneinfo/UTC",
        "America/../../x",
        "America/../America/Sao_Paulo",
        "./UTC",
        "America/./Sao_Paulo",
        "America//Sao_Paulo",
        "America/Sao_Paulo/",
        "America/Sao_Paulo ",
        "America\\Sao_Paulo",
        "America",  # a folder of the zone database
        "localtime",  # the host's own zone, not an IANA name
        "posixrules",
        "Factory",
        "posix/America/Sao_Paulo",
        "America/Nowhere",
        "Brasil/Sao_Paulo",
        "a\x00b",
        "\udc80",
        "A" * 65,
    ],
)
def test_unknown_zones_and_paths_are_refused(name: str) -> None:
    with pytest.raises(CalendarError, match="Fuso horário desconhecido"):
        zone(name)


def test_a_stored_unknown_zone_is_refused_when_used() -> None:
    cal = of_settings({"timezone": "../etc/passwd"})
    with pytest.raises(CalendarError):
        cal.day("2026-01-05T12:00:00Z")
    with pytest.raises(CalendarError):
        cal.business_seconds("2026-01-05T12:00:00Z", "2026-01-05T13:00:00Z")


# -- settings ------------------------------------------------------------------------------------------
DEFAULT_VIEW = {
    "timezone": "America/Sao_Paulo",
    "business_hours": {
        "monday": ["08:00-18:00"],
        "tuesday": ["08:00-18:00"],
        "wednesday": ["08:00-18:00"],
        "thursday": ["08:00-18:00"],
        "friday": ["08:00-18:00"],
        "saturday": [],
        "sunday": [],
    },
}


@pytest.mark.parametrize(
    "stored",
    [None, {}, {"timezone": None, "business_hours": None}, {"timezone": "", "type": "calendar"}],
)
def test_empty_settings_are_the_defaults(stored: dict | None) -> None:
    cal = of_settings(stored)
    assert cal.zone_name == DEFAULT_ZONE == "America/Sao_Paulo"
    assert cal.view() == DEFAULT_VIEW
    assert cal.business_seconds("2026-01-05T03:00:00Z", "2026-01-12T03:00:00Z") == 5 * WORKDAY


def test_settings_with_their_zone_and_hours() -> None:
    stored = {"timezone": "Europe/Lisbon", "business_hours": {"saturday": ["09:00-13:00"], "monday": []}}
    cal = of_settings(stored)
    assert cal.zone_name == "Europe/Lisbon"
    assert cal.hours == {5: ((540, 780),)}
    assert cal.view()["business_hours"]["saturday"] == ["09:00-13:00"]
    assert cal.view()["business_hours"]["monday"] == []
    assert of_settings(cal.view()) == cal  # the view reads back as the same calendar


def test_settings_with_every_day_closed() -> None:
    """What PATCH stores when every weekday is closed: `{}` is no opening hours, not the defaults."""
    cal = of_settings({"business_hours": {}})
    assert cal.hours == {}
    assert all(periods == [] for periods in cal.view()["business_hours"].values())


def test_settings_with_an_invalid_period_are_refused() -> None:
    with pytest.raises(CalendarError, match="tuesday: "):
        of_settings({"business_hours": {"tuesday": ["18:00-08:00"]}})


@pytest.mark.parametrize(
    "patch",
    [
        {"timezone": "../etc/passwd"},
        {"timezone": "/etc/localtime"},
        {"timezone": "America/../../x"},
        {"timezone": "Mars/Olympus"},
        {"business_hours": {"segunda": ["08:00-18:00"]}},  # weekdays are named in English
        {"business_hours": {"Monday": ["08:00-18:00"]}},
        {"business_hours": {"monday": ["10:00-09:00"]}},
        {"business_hours": {"monday": ["08:00-12:00", "11:00-13:00"]}},
        {"business_hours": {"monday": "08:00-18:00"}},  # not a list
        {"business_hours": {"monday": [800]}},
    ],
)
def test_a_patch_with_an_unknown_zone_day_or_bad_period_is_refused(patch: dict) -> None:
    with pytest.raises(ValidationError):
        CalendarPatch.model_validate(patch)


def test_a_valid_patch() -> None:
    patch = CalendarPatch.model_validate({"timezone": "Europe/Lisbon", "business_hours": {"sunday": []}})
    assert (patch.timezone, patch.business_hours) == ("Europe/Lisbon", {"sunday": []})
