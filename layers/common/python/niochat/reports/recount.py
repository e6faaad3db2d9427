"""Rebuild a provedor's daily aggregates from its items: every conversation and every message in it (its
samples replayed message by message: niochat.domain.reports.replay), every CSAT answer and every CSAT
request that was sent, in the provedor's calendar as it is now.

A maintenance tool (it reads all of the provedor's conversations and messages, O(data)), never a request
path: tests compare it with what the stream kept, and an operator runs it after a bug or a restore with
`python -m niochat.reports.recount <provedor id>`.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from typing import Any

from aws_lambda_powertools import Logger

from niochat.domain.reports import Fact, feedback_fact, is_count, is_maximum, replay, sent_fact
from niochat.store import aggregates, calendars
from niochat.store import conversations as conversation_store
from niochat.store import csat as csat_store
from niochat.store import messages as message_store
from niochat.store.table import table

logger = Logger(service="niochat-recount")


def facts(provedor_id: int) -> list[Fact]:
    """Every fact of the provedor, read from its items."""
    calendar = calendars.calendar(provedor_id)
    found: list[Fact] = []
    for conversation in table().query_all(conversation_store.conversations.pk(provedor_id)):
        messages = table().query_all(message_store.pk(provedor_id, int(conversation["id"])))
        found += replay(conversation, messages, calendar)
    for feedback in table().query_all(csat_store.FEEDBACKS.pk(provedor_id)):
        answered = feedback_fact(feedback, calendar)
        if answered is not None:
            found.append(answered)
    for request in table().query_all(csat_store.REQUESTS.pk(provedor_id)):
        sent = sent_fact(request, calendar)
        if sent is not None:
            found.append(sent)
    return found


def totals(provedor_id: int) -> dict[str, dict[str, Any]]:
    """Day → the counts and maximums the provedor's items add up to (days with no fact are absent, zero counts
    dropped as kept() drops them)."""
    days: dict[str, dict[str, Any]] = defaultdict(dict)
    for fact in {fact.id: fact for fact in facts(provedor_id)}.values():
        day = days[fact.day]
        for name, amount in fact.amounts.items():
            day[name] = int(day.get(name, 0)) + amount
        for name, value in fact.maxima.items():
            day[name] = value if name not in day else max(day[name], value)
    return {d: {n: v for n, v in values.items() if v or not is_count(n)} for d, values in days.items()}


def kept(provedor_id: int) -> dict[str, dict[str, Any]]:
    """Day → the counts and maximums the stream kept (the fields totals() has, zero counts
    dropped)."""
    shown: dict[str, dict[str, Any]] = {}
    for item in aggregates.days(provedor_id):
        values: dict[str, Any] = {name: int(value) for name, value in item.items() if is_count(name) and value}
        values.update({n: v for n, v in item.items() if is_maximum(n) and v is not None})
        if values:
            shown[str(item["day"])] = values
    return shown


def recount(provedor_id: int) -> dict[str, dict[str, Any]]:
    """Rewrite the provedor's day items from its items; returns the new totals."""
    rebuilt = totals(provedor_id)
    aggregates.replace_days(provedor_id, rebuilt)
    logger.info("aggregates recounted", extra={"provedor_id": provedor_id, "days": len(rebuilt)})
    return rebuilt


if __name__ == "__main__":  # pragma: no cover - operator tool
    for argument in sys.argv[1:]:
        before, after = kept(int(argument)), recount(int(argument))
        logger.info("recount", extra={"provedor_id": int(argument), "changed": before != after, "days": len(after)})
