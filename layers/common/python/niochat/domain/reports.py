"""Daily counts as facts (pure): which table changes count for what, on which day.

A fact has a deterministic id (the message's or conversation's own id, never the stream record's), so a
change seen twice is one fact, and the same facts come out of the items themselves (niochat.reports.recount)
as out of the stream. Days are the provedor's local dates (UTC offset in minutes; Brazil has kept -03:00 all
year since 2019).

| count | fact | id |
|---|---|---|
| `messages_received` | a customer's message stored | `msg#<message id>` |
| `messages_sent` | an agent's (or the AI's) message stored | `msg#<message id>` |
| `conversations_created` | a conversation created | `conv#<conversation id>` |
| `conversations_closed` / `conversations_reopened` | the activity message of a close / reopen | `msg#<message id>` |
| `csat_r<n>`, `csat_ch_<channel>`, `csat_a_<agent>_r<n>`, `csat_a_<agent>_ch_<channel>` | a CSAT answer | `fb#<id>` |
| `csat_sent`, `csat_a_<agent>_sent` | a CSAT survey sent | `csatsent#<request id>` |

A CSAT answer (rating n) counts on the day it came, a survey on the day it was sent. `<agent>` is the
conversation's assignee at the close (`none` without one): a day item holds every count an agent's own
statistics need, so they are read from the same day items as the provedor's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

COUNTS = (
    "messages_received",
    "messages_sent",
    "conversations_created",
    "conversations_closed",
    "conversations_reopened",
)
LATEST = ("last_message_at",)
ACTIVITY_COUNTS = {"close": "conversations_closed", "reopen": "conversations_reopened"}


@dataclass(frozen=True)
class Fact:
    id: str
    day: str  # YYYY-MM-DD, local
    amounts: dict[str, int]
    # Maximums (ISO times compare as text): applied with a conditional SET, idempotent by nature.
    latest: dict[str, str] = field(default_factory=dict)


def day_of(iso: str, utc_offset_minutes: int) -> str:
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(timezone(timedelta(minutes=utc_offset_minutes))).date().isoformat()


def message_fact(message: Mapping[str, Any], utc_offset_minutes: int) -> Fact | None:
    kind = message.get("message_type")
    at = str(message.get("created_at") or "")
    if not at:
        return None
    day = day_of(at, utc_offset_minutes)
    fact_id = f"msg#{message['id']}"
    if kind == "incoming":
        return Fact(fact_id, day, {"messages_received": 1}, {"last_message_at": at})
    if kind == "outgoing":
        return Fact(fact_id, day, {"messages_sent": 1}, {"last_message_at": at})
    if kind == "activity":
        count = ACTIVITY_COUNTS.get(str((message.get("additional_attributes") or {}).get("action") or ""))
        return Fact(fact_id, day, {count: 1}) if count else None
    return None


def conversation_fact(conversation: Mapping[str, Any], utc_offset_minutes: int) -> Fact | None:
    at = str(conversation.get("created_at") or "")
    if not at:
        return None
    return Fact(f"conv#{conversation['id']}", day_of(at, utc_offset_minutes), {"conversations_created": 1})


def _agent(item: Mapping[str, Any]) -> str:
    agent = item.get("agent") or {}
    return str(agent["id"]) if agent.get("id") is not None else "none"


def feedback_fact(feedback: Mapping[str, Any], utc_offset_minutes: int) -> Fact | None:
    at = str(feedback.get("feedback_sent_at") or "")
    if not at:
        return None
    rating, channel, agent = int(feedback["rating_value"]), str(feedback.get("channel_type")), _agent(feedback)
    amounts = {
        f"csat_r{rating}": 1,
        f"csat_ch_{channel}": 1,
        f"csat_a_{agent}_r{rating}": 1,
        f"csat_a_{agent}_ch_{channel}": 1,
    }
    return Fact(f"fb#{feedback['id']}", day_of(at, utc_offset_minutes), amounts)


def sent_fact(request: Mapping[str, Any], utc_offset_minutes: int) -> Fact | None:
    """A request that reached `sent` once (whatever it became since) was a survey sent."""
    at = str(request.get("sent_at") or "")
    if not at:
        return None
    amounts = {"csat_sent": 1, f"csat_a_{_agent(request)}_sent": 1}
    return Fact(f"csatsent#{request['id']}", day_of(at, utc_offset_minutes), amounts)


def facts_of_change(
    kind: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, utc_offset_minutes: int
) -> list[Fact]:
    """The facts a change is: arrivals (an inserted message, conversation or CSAT answer), and a CSAT
    request's first `sent_at`. Other changes are no facts."""
    found = None
    if new is None:
        return []
    if kind == "csat_request":
        if new.get("sent_at") and not (old or {}).get("sent_at"):
            found = sent_fact(new, utc_offset_minutes)
    elif old is not None:
        return []
    elif kind == "message":
        found = message_fact(new, utc_offset_minutes)
    elif kind == "conversation":
        found = conversation_fact(new, utc_offset_minutes)
    elif kind == "csat_feedback":
        found = feedback_fact(new, utc_offset_minutes)
    return [found] if found is not None else []


def is_count(name: str) -> bool:
    """Whether a day item's attribute is one of the counts (fixed names, and the CSAT family)."""
    return name in COUNTS or name.startswith("csat_")


def csat_of_day(values: Mapping[str, Any], agent: str | None = None) -> dict[str, Any]:
    """A day's CSAT figures, for the provedor or one agent (`agent`: an id as text, or "none")."""
    prefix = "csat_" if agent is None else f"csat_a_{agent}_"
    ratings = {r: int(values.get(f"{prefix}r{r}") or 0) for r in range(1, 6)}
    channels = {
        name[len(prefix) + 3 :]: int(amount)
        for name, amount in values.items()
        if name.startswith(f"{prefix}ch_") and int(amount or 0)
    }
    return {"ratings": ratings, "channels": channels, "sent": int(values.get(f"{prefix}sent") or 0)}


def day_view(day: str, aggregate: Mapping[str, Any] | None) -> dict[str, Any]:
    """A day's counts as the API shows them (zeros for a day with none yet)."""
    values = aggregate or {}
    shown: dict[str, Any] = {"date": day, **{name: int(values.get(name) or 0) for name in COUNTS}}
    figures = csat_of_day(values)
    answers = sum(figures["ratings"].values())
    shown["csat_answers"] = answers
    shown["csat_average"] = round(sum(r * n for r, n in figures["ratings"].items()) / answers, 1) if answers else None
    shown["csat_sent"] = figures["sent"]
    shown["last_message_at"] = values.get("last_message_at")
    return shown
