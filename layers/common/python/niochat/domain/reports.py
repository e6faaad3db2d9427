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

`last_message_at` (the day's latest customer or agent message) is a maximum, not a count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

COUNTS = ("messages_received", "messages_sent", "conversations_created", "conversations_closed",
          "conversations_reopened")  # fmt: skip
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


def facts_of_insert(kind: str, item: Mapping[str, Any], utc_offset_minutes: int) -> list[Fact]:
    """The facts an inserted item is (other changes are no facts: counts are of arrivals)."""
    found = None
    if kind == "message":
        found = message_fact(item, utc_offset_minutes)
    elif kind == "conversation":
        found = conversation_fact(item, utc_offset_minutes)
    return [found] if found is not None else []


def day_view(day: str, aggregate: Mapping[str, Any] | None) -> dict[str, Any]:
    """A day's counts as the API shows them (zeros for a day with none yet)."""
    values = aggregate or {}
    shown: dict[str, Any] = {"date": day, **{name: int(values.get(name) or 0) for name in COUNTS}}
    shown["last_message_at"] = values.get("last_message_at")
    return shown
