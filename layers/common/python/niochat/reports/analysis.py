"""GET /api/analysis/: a period's conversations, response time, active agents and satisfaction, day by day,
beside the previous period of the same length. One GetItem (the calendar) and one Query of day items covering
both periods, whatever the volume.

Periods end today (local): today 1 day, week 7, month 30, quarter 90. For an agent, conversations are the
cycles they closed, the response time is their replies' and satisfaction their CSAT (docs/metrics.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from niochat import clock
from niochat.domain.calendar import format_duration
from niochat.domain.reports import csat_of_day, summed
from niochat.reports.dashboard import Scope, channels, days_back, replies_average, window
from niochat.store import calendars
from niochat.store.table import Item

PERIOD_DAYS = {"today": 1, "week": 7, "month": 30, "quarter": 90}
_SENT = "messages_sent_a_"


def _conversations(values: Mapping[str, Any], scope: Scope) -> int:
    name = "conversations_created" if scope.agent is None else f"res_a_{scope.agent}_n"
    return int(values.get(name) or 0)


def _active_agents(values: Mapping[str, Any], scope: Scope) -> int:
    """Agents who sent at least one message in the period (an agent's own view: 1 or 0)."""
    senders = {name[len(_SENT) :] for name, amount in values.items() if name.startswith(_SENT) and int(amount or 0)}
    return int(str(scope.agent) in senders) if scope.agent is not None else len(senders)


def summary(days: list[Item], scope: Scope, business: bool) -> dict[str, Any]:
    values = summed(days)
    response = replies_average(values, scope.prefix, business)
    ratings = csat_of_day(values, None if scope.agent is None else str(scope.agent))["ratings"]
    answers = sum(ratings.values())
    rate = round(100 * (ratings[4] + ratings[5]) / answers, 1) if answers else None
    return {
        "totalConversations": _conversations(values, scope),
        "avgResponseTime": format_duration(response),
        "avgResponseTimeSeconds": response,
        "activeAgents": _active_agents(values, scope),
        "satisfactionRate": f"{rate or 0:.1f}",
        "satisfactionRatePercent": rate,
        "csatAnswers": answers,
    }


def _range(period_days: list[date]) -> dict[str, str]:
    return {"start": period_days[0].isoformat(), "end": period_days[-1].isoformat()}


def _day(day: date, values: Mapping[str, Any], scope: Scope) -> dict[str, Any]:
    return {"date": day.strftime("%d/%m"), "day": day.isoformat(), "conversations": _conversations(values, scope)}


def analysis(scope: Scope, period: str, business: bool) -> dict[str, Any]:
    cal = calendars.calendar(scope.provedor_id)
    today = cal.today(clock.iso())
    length = PERIOD_DAYS[period]
    current = days_back(today, length)
    previous = days_back(current[0] - timedelta(days=1), length)
    found = window(scope.provedor_id, previous[0], today)
    now_days = [found[d.isoformat()] for d in current if d.isoformat() in found]
    then_days = [found[d.isoformat()] for d in previous if d.isoformat() in found]
    by_channel = channels(summed(now_days), scope)
    return {
        "period": period,
        "timezone": cal.zone_name,
        "business_hours": business,
        "date_range": _range(current),
        "summary": summary(now_days, scope, business),
        "conversationsByDay": [_day(d, found.get(d.isoformat(), {}), scope) for d in current],
        "channels": [
            {"channel": channel, "conversations": total}
            for channel, total in sorted(by_channel.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "previous": {"date_range": _range(previous), "summary": summary(then_days, scope, business)},
    }
