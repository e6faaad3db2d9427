"""Report facts (pure): which table changes count for what, on which day — docs/metrics.md explains each.

A fact has a deterministic id (the message's, conversation's or cycle's own, never the stream record's), so a
change seen twice is one fact, and the same facts come out of the items themselves (niochat.reports.recount)
as out of the stream. Days and hours are the provedor's local ones (niochat.domain.calendar).

| count | fact | id |
|---|---|---|
| `messages_received` | a customer's message stored | `msg#<message id>` |
| `messages_sent`, `messages_sent_a_<agent>` | an outgoing message stored (an agent's: both) | `msg#<message id>` |
| `conversations_created`, `conv_ch_<channel>` | a conversation created | `conv#<conversation id>` |
| `conversations_closed` / `conversations_reopened` | the activity message of a close / reopen | `msg#<message id>` |
| `frt_*` | a cycle's first human reply: the first response time | `frt#<conversation>#<cycle>` |
| `rt_*` | a later human reply answering waiting customer messages: a reply time | `rt#<message id>` |
| `res_*`, `res_a_<agent>_ch_<channel>` | a close: the cycle's resolution time | `res#<conversation>#<cycle>` |
| `h<HH>_*` | every human reply's response time (first or later), by local hour | with `frt`/`rt` |
| `csat_r<n>`, `csat_ch_<channel>`, `csat_a_<agent>_r<n>`, `csat_a_<agent>_ch_<channel>` | a CSAT answer | `fb#<id>` |
| `csat_sent`, `csat_a_<agent>_sent` | a CSAT survey sent | `csatsent#<request id>` |

A duration family `<f>` (frt, rt, res, h<HH>) has `<f>_n` samples, `<f>_s` seconds in total and `<f>_bs`
seconds inside opening hours, for the provedor and per agent (`<f>_a_<agent>_…`); hours keep their maximum
(`h<HH>_max`, `h<HH>_bmax`). `<agent>` is the replying agent for replies, the assignee at the close for
resolutions and CSAT (`none` without one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from niochat.domain import cycles
from niochat.domain.calendar import Calendar, moment

COUNTS = (
    "messages_received",
    "messages_sent",
    "conversations_created",
    "conversations_closed",
    "conversations_reopened",
)
ACTIVITY_COUNTS = {"close": "conversations_closed", "reopen": "conversations_reopened"}
FAMILIES = ("frt", "rt", "res")
_COUNT = re.compile(r"^(csat_|messages_sent_a_|conv_ch_|(frt|rt|res)_|h\d\d_(n|s|bs)$)")
_MAXIMUM = re.compile(r"^(last_message_at|h\d\d_(max|bmax))$")


class Fact(NamedTuple):
    id: str
    day: str  # YYYY-MM-DD, local
    amounts: dict[str, int]
    # Maximums (numbers, or ISO times that compare as text): a conditional SET, idempotent by nature.
    maxima: Mapping[str, int | str] = MappingProxyType({})


def is_count(name: str) -> bool:
    return name in COUNTS or bool(_COUNT.match(name))


def is_maximum(name: str) -> bool:
    return bool(_MAXIMUM.match(name))


def _agent_key(ref: Mapping[str, Any] | None) -> str:
    return str(ref["id"]) if ref and ref.get("id") is not None else "none"


# -- arrivals --------------------------------------------------------------------------------------------
def message_fact(message: Mapping[str, Any], calendar: Calendar) -> Fact | None:
    kind = message.get("message_type")
    at = str(message.get("created_at") or "")
    if not at:
        return None
    day, fact_id = calendar.day(at), f"msg#{message['id']}"
    if kind == "incoming":
        return Fact(fact_id, day, {"messages_received": 1}, {"last_message_at": at})
    if kind == "outgoing":
        sender = message.get("sender") or None
        amounts = {"messages_sent": 1}
        if sender and sender.get("id") is not None:
            amounts[f"messages_sent_a_{sender['id']}"] = 1
        return Fact(fact_id, day, amounts, {"last_message_at": at})
    if kind == "activity":
        count = ACTIVITY_COUNTS.get(str((message.get("additional_attributes") or {}).get("action") or ""))
        return Fact(fact_id, day, {count: 1}) if count else None
    return None


def channel_of(conversation: Mapping[str, Any]) -> str:
    return str(conversation.get("channel_type") or "unknown")


def _arrival(
    prefix: str, at: str, amounts: Callable[[Mapping[str, Any]], dict[str, int]]
) -> Callable[[Mapping[str, Any], Calendar], Fact | None]:
    """The fact of an item's arrival: `<prefix>#<item id>`, on the local day of its time `at`, with the
    `amounts` of the item (no fact while the item has no such time)."""

    def fact(item: Mapping[str, Any], calendar: Calendar) -> Fact | None:
        when = str(item.get(at) or "")
        return Fact(f"{prefix}#{item['id']}", calendar.day(when), amounts(item)) if when else None

    return fact


def _created(conversation: Mapping[str, Any]) -> dict[str, int]:
    return {"conversations_created": 1, f"conv_ch_{channel_of(conversation)}": 1}


def _answered(feedback: Mapping[str, Any]) -> dict[str, int]:
    rating, channel = int(feedback["rating_value"]), str(feedback.get("channel_type"))
    who = _agent_key(feedback.get("agent"))
    return {
        f"csat_r{rating}": 1,
        f"csat_ch_{channel}": 1,
        f"csat_a_{who}_r{rating}": 1,
        f"csat_a_{who}_ch_{channel}": 1,
    }


def _sent(request: Mapping[str, Any]) -> dict[str, int]:
    return {"csat_sent": 1, f"csat_a_{_agent_key(request.get('agent'))}_sent": 1}


conversation_fact = _arrival("conv", "created_at", _created)
feedback_fact = _arrival("fb", "feedback_sent_at", _answered)
# A request that reached `sent` once (whatever it became since) was a survey sent.
sent_fact = _arrival("csatsent", "sent_at", _sent)


# -- durations from a conversation's successive states --------------------------------------------------
def _seconds(start: str, end: str) -> int:
    return max(0, int((moment(end) - moment(start)).total_seconds()))


def _sample(family: str, agent: str, seconds: int, business: int) -> dict[str, int]:
    return {
        f"{family}_n": 1, f"{family}_s": seconds, f"{family}_bs": business,
        f"{family}_a_{agent}_n": 1, f"{family}_a_{agent}_s": seconds, f"{family}_a_{agent}_bs": business,
    }  # fmt: skip


def _reply_fact(fact_id: str, family: str, start: str, reply: Mapping[str, Any], calendar: Calendar) -> Fact:
    at, sender = str(reply["last_reply_at"]), reply.get("last_reply_by") or {}
    seconds, business = _seconds(start, at), calendar.business_seconds(start, at)
    hour = f"h{calendar.hour(at):02d}"
    amounts = {
        **_sample(family, _agent_key(sender), seconds, business),
        f"{hour}_n": 1, f"{hour}_s": seconds, f"{hour}_bs": business,
    }  # fmt: skip
    maxima: dict[str, int | str] = {f"{hour}_max": seconds, f"{hour}_bmax": business}
    return Fact(fact_id, calendar.day(at), amounts, maxima)


def transition_facts(old: Mapping[str, Any], new: Mapping[str, Any], calendar: Calendar) -> list[Fact]:
    """The samples a conversation's change from `old` to `new` is (docs/metrics.md):
    - a new human reply (`last_reply_id` moved) in the same cycle: the cycle's first response when the cycle
      had none, measured from the later of the cycle's start and the hand-off; else a reply time when customer
      messages were waiting, measured from the first of them;
    - a close: the cycle's resolution time, from the cycle's start."""
    found: list[Fact] = []
    conversation_id, cycle = new["id"], cycles.cycle_of(new)
    same_cycle = cycles.cycle_of(old) == cycle
    replied = new.get("last_reply_id") is not None and new.get("last_reply_id") != old.get("last_reply_id")
    if replied and same_cycle:
        if old.get("first_reply_at") is None:
            start = max(cycles.cycle_start(new), str(new.get("handoff_at") or ""))
            found.append(_reply_fact(f"frt#{conversation_id}#{cycle}", "frt", start, new, calendar))
        elif old.get("waiting_since"):
            rt_id = f"rt#{new['last_reply_id']}"
            found.append(_reply_fact(rt_id, "rt", str(old["waiting_since"]), new, calendar))
    closing = old.get("status") != cycles.CLOSED and new.get("status") == cycles.CLOSED
    if closing and new.get("closed_at"):
        start, end = cycles.cycle_start(new), str(new["closed_at"])
        assignee = new.get("assignee") or None
        who = _agent_key(assignee)
        amounts = {
            **_sample("res", who, _seconds(start, end), calendar.business_seconds(start, end)),
            f"res_a_{who}_ch_{channel_of(new)}": 1,
        }
        found.append(Fact(f"res#{conversation_id}#{cycle}", calendar.day(end), amounts))
    return found


def facts_of_change(
    kind: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, calendar: Calendar
) -> list[Fact]:
    """The facts a change is: arrivals (an inserted message, conversation or CSAT answer), a conversation's
    samples (transition_facts), and a CSAT request's first `sent_at`. Other changes are no facts."""
    found = None
    if new is None:
        return []
    if kind == "conversation" and old is not None:
        return transition_facts(old, new, calendar)
    if kind == "csat_request":
        if new.get("sent_at") and not (old or {}).get("sent_at"):
            found = sent_fact(new, calendar)
    elif old is not None:
        return []
    elif kind == "message":
        found = message_fact(new, calendar)
    elif kind == "conversation":
        found = conversation_fact(new, calendar)
    elif kind == "csat_feedback":
        found = feedback_fact(new, calendar)
    return [found] if found is not None else []


def replay(conversation: Mapping[str, Any], messages: Iterable[Mapping[str, Any]], calendar: Calendar) -> list[Fact]:
    """Every fact of one conversation, from its item and its messages alone (the recount's derivation): the
    conversation's states are rebuilt message by message with the same cycle changes the writes made
    (niochat.domain.cycles), and each step's samples are transition_facts of the two states."""
    found = [fact for fact in [conversation_fact(conversation, calendar)] if fact is not None]
    created = str(conversation.get("created_at") or "")
    state: dict[str, Any] = {
        "id": conversation["id"], "created_at": created, "channel_type": conversation.get("channel_type"),
        "status": "pending", **cycles.initial(created),
    }  # fmt: skip
    ordered = sorted(messages, key=lambda m: (str(m.get("created_at") or ""), int(m["id"])))
    for message in ordered:
        fact = message_fact(message, calendar)
        if fact is not None:
            found.append(fact)
        after = _replayed(state, message)
        found += transition_facts(state, after, calendar)
        state = after
    return found


def _replayed(state: Mapping[str, Any], message: Mapping[str, Any]) -> dict[str, Any]:
    """The conversation's state after `message`, as its write left it."""
    if message.get("message_type") != "activity":
        return cycles.of_message(message, state.get("status") == cycles.CLOSED).applied(state)
    attributes = message.get("additional_attributes") or {}
    at, to_status = str(message["created_at"]), attributes.get("to_status")
    if not to_status:  # an activity written before activities said what they did
        to_status = {"close": cycles.CLOSED, "reopen": "open"}.get(str(attributes.get("action")), state["status"])
    before = {**state, "status": attributes.get("from_status") or state["status"]}
    after = cycles.of_action(before, str(to_status), at).applied(state)
    after["status"] = to_status
    if "assignee" in attributes:
        after["assignee"] = attributes["assignee"]
    if to_status == cycles.CLOSED and state.get("status") != cycles.CLOSED:
        after["closed_at"] = at
    return after


# -- reading ---------------------------------------------------------------------------------------------
def summed(days: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Day items added up: counts summed, maximums the largest."""
    total: dict[str, Any] = {}
    for day in sorted(days, key=lambda d: str(d.get("day") or "")):
        for name, value in day.items():
            if is_count(name):
                total[name] = int(total.get(name) or 0) + int(value or 0)
            elif is_maximum(name) and value is not None:
                total[name] = value if name not in total else max(total[name], value)
    return total


def average(values: Mapping[str, Any], family: str, business: bool = False) -> float | None:
    """The family's mean duration in seconds (None without samples)."""
    samples = int(values.get(f"{family}_n") or 0)
    if not samples:
        return None
    return int(values.get(f"{family}_{'bs' if business else 's'}") or 0) / samples


def csat_of_day(values: Mapping[str, Any], agent: str | None = None) -> dict[str, Any]:
    """CSAT figures of a day (or of summed days), for the provedor or one agent (an id as text, or "none")."""
    prefix = "csat_" if agent is None else f"csat_a_{agent}_"
    ratings = {r: int(values.get(f"{prefix}r{r}") or 0) for r in range(1, 6)}
    channels = {
        name[len(prefix) + 3 :]: int(amount)
        for name, amount in values.items()
        if name.startswith(f"{prefix}ch_") and int(amount or 0)
    }
    return {"ratings": ratings, "channels": channels, "sent": int(values.get(f"{prefix}sent") or 0)}


def rating_average(values: Mapping[str, Any], agent: str | None = None) -> float | None:
    ratings = csat_of_day(values, agent)["ratings"]
    answers = sum(ratings.values())
    return round(sum(r * n for r, n in ratings.items()) / answers, 1) if answers else None


def day_view(day: str, aggregate: Mapping[str, Any] | None) -> dict[str, Any]:
    """A day's headline figures as the API and `dashboard_metrics` show them (zeros for a day with none)."""
    values = aggregate or {}
    shown: dict[str, Any] = {"date": day, **{name: int(values.get(name) or 0) for name in COUNTS}}
    figures = csat_of_day(values)
    shown["csat_answers"] = sum(figures["ratings"].values())
    shown["csat_average"] = rating_average(values)
    shown["csat_sent"] = figures["sent"]
    for family, key in (("frt", "first_response"), ("rt", "reply"), ("res", "resolution")):
        mean = average(values, family)
        shown[f"{key}_seconds"] = None if mean is None else round(mean, 1)
        shown[f"{key}_samples"] = int(values.get(f"{family}_n") or 0)
    shown["last_message_at"] = values.get("last_message_at")
    return shown
