"""What the dashboard endpoints read: the provedor's calendar and counters (one BatchGetItem), the window's day
items (one Query), the newest audit entries (one Query) and, for admins, the provedor's users (one Query of a
partition bounded by the number of users). None of it grows with the number of conversations or messages.

Who sees what: admins (and a superadmin naming the provedor) the provedor's figures; an agent their own — the
conversations they hold, the replies they wrote, the cycles they closed, the CSAT of those, their own actions.
docs/metrics.md defines every figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, NamedTuple

from niochat import clock
from niochat.domain.calendar import Calendar, format_duration, of_settings
from niochat.domain.reports import average, csat_of_day, rating_average, summed
from niochat.domain.users import Principal
from niochat.store import aggregates, calendars, keys, users
from niochat.store import audit as audit_store
from niochat.store.table import Item, table

ACTIVE = ("open", "pending", "snoozed")
STATUSES = (*ACTIVE, "closed")
ACTIVITIES = 10
MAX_AGENTS = 500  # a provedor's users listed for `atendentes` (a bounded partition)


class Scope(NamedTuple):
    provedor_id: int
    agent: int | None  # None: the provedor's figures; an id: that agent's own

    @property
    def prefix(self) -> str:
        """The infix of the agent's figures in day items (`frt_a_7_n`), empty for the provedor's."""
        return "" if self.agent is None else f"_a_{self.agent}"


def scope_of(caller: Principal, provedor_id: int) -> Scope:
    return Scope(provedor_id, None if (caller.is_admin or caller.is_superadmin) else caller.user_id)


def calendar_and_counters(provedor_id: int) -> tuple[Calendar, Item]:
    """The provedor's calendar and its COUNTERS item, with one BatchGetItem."""
    wanted = [calendars.key(provedor_id), keys.counters(provedor_id)]
    found = {item["SK"]: item for item in table().batch_get(wanted)}
    return of_settings(found.get(wanted[0][1])), found.get(wanted[1][1]) or {}


def window(provedor_id: int, first: date, last: date) -> dict[str, Item]:
    """Day → the provedor's day item, for the days from `first` to `last` that have one (one Query)."""
    return {str(d["day"]): d for d in aggregates.window(provedor_id, first.isoformat(), last.isoformat())}


def days_back(today: date, days: int) -> list[date]:
    return [today - timedelta(days=days - 1 - n) for n in range(days)]


# -- figures of summed days ---------------------------------------------------------------------------------
def duration(values: Mapping[str, Any], family: str, business: bool) -> float | None:
    mean = average(values, family, business)
    return None if mean is None else round(mean, 1)


def replies_average(values: Mapping[str, Any], infix: str, business: bool) -> float | None:
    """The mean of every human reply's response time (first responses and later replies together)."""
    samples = sum(int(values.get(f"{f}{infix}_n") or 0) for f in ("frt", "rt"))
    if not samples:
        return None
    total = sum(int(values.get(f"{f}{infix}_{'bs' if business else 's'}") or 0) for f in ("frt", "rt"))
    return round(total / samples, 1)


def satisfaction(values: Mapping[str, Any], agent: str | None) -> dict[str, Any]:
    """Average rating, satisfaction rate ((4+5)/answers) and response rate (answers/surveys sent), in %."""
    figures = csat_of_day(values, agent)
    answers = sum(figures["ratings"].values())
    happy = figures["ratings"][4] + figures["ratings"][5]
    return {
        "average": rating_average(values, agent),
        "answers": answers,
        "surveys_sent": figures["sent"],
        "satisfaction_rate": round(100 * happy / answers, 1) if answers else None,
        "response_rate": round(100 * answers / figures["sent"], 1) if figures["sent"] else None,
    }


def channels(values: Mapping[str, Any], scope: Scope) -> dict[str, int]:
    """Channel → conversations: created in the window (provedor), closed by the agent in it (agent)."""
    prefix = "conv_ch_" if scope.agent is None else f"res_a_{scope.agent}_ch_"
    return {name[len(prefix) :]: int(v) for name, v in values.items() if name.startswith(prefix) and int(v or 0)}


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _counter(counters: Mapping[str, Any], name: str) -> int:
    return max(0, int(counters.get(name) or 0))


# -- GET /api/dashboard/stats/ ------------------------------------------------------------------------------
def stats(caller: Principal, scope: Scope, days: int, business: bool) -> dict[str, Any]:
    cal, counters = calendar_and_counters(scope.provedor_id)
    today = cal.today(clock.iso())
    first = today - timedelta(days=days - 1)
    values = summed(window(scope.provedor_id, first, today).values())
    infix, who = scope.prefix, None if scope.agent is None else str(scope.agent)
    held = "cv" if scope.agent is None else f"cv_a_{scope.agent}"
    per_status = {status: _counter(counters, f"{held}_{status}") for status in STATUSES}
    in_progress = (
        per_status["open"] - _counter(counters, "cv_a_none_open") if scope.agent is None else per_status["open"]
    )
    closed = int(values.get(f"res{infix}_n") or 0)
    if scope.agent is None:
        started = int(values.get("conversations_created") or 0) + int(values.get("conversations_reopened") or 0)
        resolved_share = _percent(int(values.get("conversations_closed") or 0), started)
        messages = int(values.get("messages_received") or 0) + int(values.get("messages_sent") or 0)
    else:
        resolved_share = _percent(closed, closed + sum(per_status[s] for s in ACTIVE))
        messages = int(values.get(f"messages_sent_a_{scope.agent}") or 0)
    reply = duration(values, f"rt{infix}", business)
    first_response = duration(values, f"frt{infix}", business)
    resolution = duration(values, f"res{infix}", business)
    happy = satisfaction(values, who)
    return {
        "period_days": days,
        "date_range": {"start": first.isoformat(), "end": today.isoformat()},
        "timezone": cal.zone_name,
        "business_hours": business,
        "total_conversas": sum(per_status.values()),
        "conversas_abertas": per_status["open"],
        "conversas_pendentes": per_status["pending"],
        "conversas_com_ia": per_status["snoozed"],
        "conversas_resolvidas": per_status["closed"],
        "conversas_em_andamento": max(0, in_progress),
        "contatos_unicos": _counter(counters, "contact"),
        "mensagens_30_dias": messages,
        "tempo_medio_resposta": format_duration(reply),
        "tempo_medio_resposta_seconds": reply,
        "tempo_primeira_resposta": format_duration(first_response),
        "tempo_primeira_resposta_seconds": first_response,
        "tempo_medio_resolucao": format_duration(resolution),
        "tempo_medio_resolucao_seconds": resolution,
        "taxa_resolucao": f"{round(resolved_share or 0)}%",
        "taxa_resolucao_percent": resolved_share,
        "satisfacao_media": f"{happy['average'] or 0:.1f}",
        "satisfacao": happy,
        "canais": [
            {"inbox__channel_type": channel, "total": total}
            for channel, total in sorted(channels(values, scope).items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "atendentes": agents(caller, scope, values, counters, business),
        "atividades": activities(scope, cal),
    }


def _agent_row(
    user_id: int, name: str, values: Mapping[str, Any], counters: Mapping[str, Any], business: bool
) -> dict[str, Any]:
    return {
        "id": user_id,
        "name": name,
        "conversations": sum(_counter(counters, f"cv_a_{user_id}_{s}") for s in ACTIVE),
        "satisfaction": rating_average(values, str(user_id)),
        "first_response_seconds": duration(values, f"frt_a_{user_id}", business),
        "reply_seconds": duration(values, f"rt_a_{user_id}", business),
        "resolved": int(values.get(f"res_a_{user_id}_n") or 0),
        "messages_sent": int(values.get(f"messages_sent_a_{user_id}") or 0),
    }


def agents(
    caller: Principal, scope: Scope, values: Mapping[str, Any], counters: Mapping[str, Any], business: bool
) -> list[dict[str, Any]]:
    """One row per agent: admins see every user of the provedor, an agent only themself."""
    if scope.agent is not None:
        name = caller.first_name or caller.username
        return [_agent_row(scope.agent, name, values, counters, business)]
    partition = users.partition(scope.provedor_id)
    listed = table().query(partition.pk, index=partition.index_name, limit=MAX_AGENTS).items
    rows = [
        _agent_row(int(u["id"]), str(u.get("first_name") or u.get("username")), values, counters, business)
        for u in listed
        if u.get("user_type") in ("agent", "admin")
    ]
    return sorted(rows, key=lambda row: (-row["conversations"] - row["resolved"], row["name"].lower(), row["id"]))


def activities(scope: Scope, cal: Calendar) -> list[dict[str, Any]]:
    """The newest audit entries: the provedor's (admins) or the agent's own actions."""
    if scope.agent is None:
        pk, index = audit_store.pk(scope.provedor_id), None
    else:
        pk, index = audit_store.user_pk(scope.provedor_id, scope.agent), "GSI2"
    entries = table().query(pk, index=index, limit=ACTIVITIES, forward=False).items
    shown = []
    for entry in entries:
        user = entry.get("user") or {}
        shown.append(
            {
                "action": entry.get("action"),
                "user": user.get("username") or "sistema",
                "time": cal.local(str(entry["timestamp"])).strftime("%d/%m/%Y %H:%M"),
                "timestamp": entry.get("timestamp"),
                "type": "activity",
            }
        )
    return shown


# -- GET /api/dashboard/response-time-hourly/ ---------------------------------------------------------------
def hourly(scope: Scope, days: int, business: bool) -> list[dict[str, Any]]:
    """24 rows {time "HH:00", avg, max, count}: every human reply of the last `days` local days by the local
    hour it was sent, in minutes (one decimal). The provedor's figures for everyone (docs/metrics.md)."""
    cal = calendars.calendar(scope.provedor_id)
    today = cal.today(clock.iso())
    values = summed(window(scope.provedor_id, today - timedelta(days=days - 1), today).values())
    rows = []
    for hour in range(24):
        name = f"h{hour:02d}"
        count = int(values.get(f"{name}_n") or 0)
        total = int(values.get(f"{name}_{'bs' if business else 's'}") or 0)
        highest = int(values.get(f"{name}_{'bmax' if business else 'max'}") or 0)
        rows.append(
            {
                "time": f"{hour:02d}:00",
                "avg": round(total / count / 60, 1) if count else 0.0,
                "max": round(highest / 60, 1),
                "count": count,
            }
        )
    return rows
