"""What the CSAT endpoints read: feedback and request pages (one bounded Query each, counts from counters or
day items), and the statistics of a window of days (one Query of day items, one of the newest feedback):
the cost never grows with the number of feedbacks.

Who sees what: admins (and a superadmin naming the provedor) everything of their provedor; an agent the
feedback and requests of the conversations they were assigned when they closed — a closed conversation is
visible to its assignee only (niochat.domain.conversations.can_see), so that is exactly what they may see.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from niochat import clock
from niochat.csat import views
from niochat.csat.models import FeedbackQuery, RequestQuery
from niochat.domain import csat
from niochat.domain.messages import ID_EPOCH_MS
from niochat.domain.reports import csat_of_day
from niochat.domain.users import Principal
from niochat.errors import NotFound
from niochat.store import aggregates, calendars, pages
from niochat.store import csat as store
from niochat.store.pages import Partition
from niochat.store.table import Item, table

FEEDBACK_NOT_FOUND = "Feedback não encontrado"
RECENT = 10


def agent_filter(caller: Principal, requested: int | None) -> int | None:
    """The agent a read is narrowed to: an agent always themself; admins whoever they name (or nobody)."""
    if caller.is_admin or caller.is_superadmin:
        return requested
    return caller.user_id


def _day_start_ms(day: date, zone: tzinfo) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=zone).timestamp() * 1000)


def _id_range(
    provedor_id: int, date_from: date | None, date_to: date | None, zone: tzinfo | None
) -> tuple[str, dict[str, Any]]:
    """A sort-key condition on time-ordered ids for the provedor's local days [date_from, date_to] (`zone`: the
    provedor's, when the caller has read it already)."""
    if date_from is None and date_to is None:
        return "", {}
    zone = zone or calendars.calendar(provedor_id).zone
    low = store.sort_id(max(0, (_day_start_ms(date_from, zone) - ID_EPOCH_MS) << 12)) if date_from else None
    high = None
    if date_to:
        end = _day_start_ms(date_to + timedelta(days=1), zone) - 1
        high = store.sort_id(max(0, ((end - ID_EPOCH_MS) << 12) | 4095))
    if low and high:
        return "#sk BETWEEN :low AND :high", {":low": low, ":high": high}
    if low:
        return "#sk >= :low", {":low": low}
    if high:
        return "#sk <= :high", {":high": high}
    return "", {}


def _days(provedor_id: int, first: date | None, last: date | None) -> list[Item]:
    """The provedor's day items from `first` to `last` (inclusive; open ends: all), one Query."""
    return aggregates.window(provedor_id, first.isoformat() if first else "", last.isoformat() if last else "9999")


def _agent_partition(pk: str, sk_condition: str, values: Mapping[str, Any], attribute: str, wanted: Any) -> Partition:
    """An agent's items on GSI2, newest first; with `wanted`, only those whose `attribute` is `wanted` (a filter:
    the agent's index has no key for it)."""
    if wanted is None:
        return Partition(pk, index_name="GSI2", sk_condition=sk_condition, values=values, forward=False)
    return Partition(
        pk,
        index_name="GSI2",
        sk_condition=sk_condition,
        values={**values, ":wanted": wanted},
        forward=False,
        filter_expression="#attribute = :wanted",
        names={"#attribute": attribute},
    )


# -- feedback ------------------------------------------------------------------------------------------------
def feedback_partition(
    provedor_id: int, agent: int | None, query: FeedbackQuery, zone: tzinfo | None = None
) -> Partition:
    condition, values = _id_range(provedor_id, query.date_from, query.date_to, zone)
    if agent is not None:
        pk = store.FEEDBACKS.by_agent_pk(provedor_id, store.agent_key(agent))
        return _agent_partition(pk, condition, values, "rating_value", query.rating)
    if query.rating is not None:
        pk = store.FEEDBACKS.by_pk(provedor_id, query.rating)
        return Partition(pk, index_name="GSI1", sk_condition=condition, values=values, forward=False)
    return Partition(store.FEEDBACKS.pk(provedor_id), sk_condition=condition, values=values, forward=False)


def feedback_count(provedor_id: int, agent: int | None, query: FeedbackQuery) -> int:
    """Exact: the counters without a date window, the window's day items with one."""
    ratings = [query.rating] if query.rating is not None else list(range(1, 6))
    if query.date_from is None and query.date_to is None:
        counts = store.counters(provedor_id)
        prefix = "fb" if agent is None else f"fb_a_{store.agent_key(agent)}"
        return sum(max(0, int(counts.get(f"{prefix}_r{r}") or 0)) for r in ratings)
    who = None if agent is None else store.agent_key(agent)
    return sum(
        csat_of_day(day, who)["ratings"][r]
        for day in _days(provedor_id, query.date_from, query.date_to)
        for r in ratings
    )


def feedback(provedor_id: int, caller: Principal, feedback_id: int) -> views.FeedbackView:
    found = store.get_feedback(provedor_id, feedback_id)
    if found is None:
        raise NotFound(FEEDBACK_NOT_FOUND)
    agent = agent_filter(caller, None)
    if agent is not None and dict(found.get("agent") or {}).get("id") != agent:
        raise NotFound(FEEDBACK_NOT_FOUND)
    return views.feedback(found)


# -- requests ------------------------------------------------------------------------------------------------
def request_partition(provedor_id: int, agent: int | None, query: RequestQuery) -> Partition:
    if agent is not None:
        pk = store.REQUESTS.by_agent_pk(provedor_id, store.agent_key(agent))
        return _agent_partition(pk, "", {}, "status", None if query.status is None else str(query.status))
    if query.status is not None:
        return Partition(store.REQUESTS.by_pk(provedor_id, str(query.status)), index_name="GSI1", forward=False)
    return Partition(store.REQUESTS.pk(provedor_id), forward=False)


def request_count(provedor_id: int, agent: int | None, query: RequestQuery) -> int:
    counts = store.counters(provedor_id)
    statuses = [str(query.status)] if query.status is not None else [str(s) for s in csat.STATUSES]
    prefix = "req" if agent is None else f"req_a_{store.agent_key(agent)}"
    return sum(max(0, int(counts.get(f"{prefix}_{status}") or 0)) for status in statuses)


def render_requests(provedor_id: int, items: list[Item]) -> list[views.RequestView]:
    """A page of requests with their feedback (one BatchGetItem for the page's answered ones)."""
    wanted = [store.FEEDBACKS.key(provedor_id, int(i["feedback_id"])) for i in items if i.get("feedback_id")]
    found = {int(f["id"]): f for f in table().batch_get(wanted)} if wanted else {}
    return [views.request(i, found.get(int(i.get("feedback_id") or 0))) for i in items]


# -- statistics ----------------------------------------------------------------------------------------------
def _rate(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def stats(provedor_id: int, agent: int | None, days: int) -> dict[str, Any]:
    """The seed's statistics over the last `days` local days (today included), for the provedor or one agent."""
    calendar = calendars.calendar(provedor_id)
    today = calendar.today(clock.iso())
    first = today - timedelta(days=days - 1)
    who = None if agent is None else store.agent_key(agent)
    by_day: dict[str, Mapping[str, Any]] = {str(d["day"]): d for d in _days(provedor_id, first, today)}
    ratings = dict.fromkeys(range(1, 6), 0)
    channels: dict[str, int] = {}
    sent = 0
    daily = []
    for offset in range(days):
        day = (first + timedelta(days=offset)).isoformat()
        figures = csat_of_day(by_day.get(day, {}), who)
        for value, amount in figures["ratings"].items():
            ratings[value] += amount
        for channel, amount in figures["channels"].items():
            channels[channel] = channels.get(channel, 0) + amount
        sent += figures["sent"]
        count = sum(figures["ratings"].values())
        average = sum(r * n for r, n in figures["ratings"].items()) / count if count else 0
        daily.append({"day": day, "count": count, "avg_rating": round(average, 1)})
    total = sum(ratings.values())
    recent_query = FeedbackQuery(rating=None, agent=None, date_from=first, date_to=None, provedor=None)
    partition = feedback_partition(provedor_id, agent, recent_query, calendar.zone)
    recent = pages.after(partition, RECENT, None).items
    return {
        "total_feedbacks": total,
        "average_rating": round(sum(r * n for r, n in ratings.items()) / total, 1) if total else 0,
        "satisfaction_rate": _rate(ratings[4] + ratings[5], total),
        "rating_distribution": [
            {"emoji_rating": csat.EMOJIS[r], "rating_value": r, "rating_display": csat.LABELS[r], "count": ratings[r]}
            for r in range(1, 6)
        ],
        "channel_distribution": [{"channel_type": c, "count": n} for c, n in sorted(channels.items())],
        "daily_stats": daily,
        "recent_feedbacks": [views.recent(item) for item in recent],
        "response_rate": _rate(total, sent),
        "total_requests_sent": sent,
        "days": days,
        "agent": agent,
    }
