"""Numbering events and keeping them: the event log behind `seq` and `GET /api/events/`.

Events are numbered and logged in one transaction that moves the provedor's sequence from the value last
seen to that value + n, conditional on it being unchanged. Hence seqs are dense (every seq has its event)
and commit in order: seq 8 can only be written once 7 is, so a client that saw seq 8 knows 7 is readable.
The last value is remembered per process, so a warm function pays one TransactWriteItems per record; when
another invocation (another stream shard) moved the sequence, the condition fails and one BatchGetItem
reads it again.

Each event id (from the stream record's eventID, so a record delivered again makes the same ids) is
claimed in the same transaction: a redelivered record's events are found already logged and keep their
seq, so the log never holds an event twice (live delivery is at-least-once, with the same id and seq).
"""

from __future__ import annotations

import json
import random
import time
from functools import cache
from typing import Any, NamedTuple

from aws_lambda_powertools import Logger

from niochat import clock
from niochat.domain.events import new_logged_event
from niochat.realtime.events import Audience, Draft
from niochat.settings import get_settings
from niochat.store import events as store
from niochat.store.writes import ConditionFailed, TransactionConflict

logger = Logger(child=True)

# Per transaction: the sequence update plus two writes per event, within moto's 25 (DynamoDB allows 100).
EVENTS_PER_TRANSACTION = 12
MAX_ATTEMPTS = 8
# An event log item holds the whole event; DynamoDB's item limit is 400 KB.
MAX_LOGGED_BYTES = 300_000


class Event(NamedTuple):
    """A numbered, logged event: `wire` is what clients receive ({type, id, seq, data})."""

    seq: int
    wire: dict[str, Any]
    audience: Audience


def wire_of(event_type: str, event_id: str, seq: int, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": event_type, "id": event_id, "seq": seq, "data": data}


def reference_data(data: dict[str, Any], seq: int) -> dict[str, Any]:
    """What a client gets instead of data too large to carry: where to fetch it over REST."""
    reference: dict[str, Any] = {"truncated": True}
    for name in ("conversation_id", "message_id"):
        if name in data:
            reference[name] = data[name]
    message = data.get("message")
    if isinstance(message, dict) and "id" in message:
        reference["message_id"] = message["id"]
    if "message_id" in reference:
        reference["url"] = f"/api/messages/{reference['message_id']}/"
    else:
        reference["url"] = f"/api/events/?after={seq - 1}&limit=1"
    return reference


def _body(draft: Draft, event_id: str, seq: int) -> str:
    body = json.dumps(wire_of(draft.type, event_id, seq, draft.data), ensure_ascii=False, default=str)
    if len(body.encode()) > MAX_LOGGED_BYTES:
        body = json.dumps(wire_of(draft.type, event_id, seq, reference_data(draft.data, seq)), ensure_ascii=False)
    return body


class EventLog:
    def __init__(self) -> None:
        # provedor → the last seq this process knows was given out (None: read it first).
        self._last: dict[int, int] = {}

    def forget(self) -> None:
        self._last.clear()

    def append(self, provedor_id: int, drafts: list[tuple[str, Draft]]) -> list[Event]:
        """Number and log `drafts` ((event id, draft) pairs, in order); ids already logged keep their seq."""
        logged: list[Event] = []
        for start in range(0, len(drafts), EVENTS_PER_TRANSACTION):
            logged += self._append_chunk(provedor_id, drafts[start : start + EVENTS_PER_TRANSACTION])
        return sorted(logged, key=lambda event: event.seq)

    def _append_chunk(self, provedor_id: int, drafts: list[tuple[str, Draft]]) -> list[Event]:
        known: dict[str, int] = {}
        for attempt in range(MAX_ATTEMPTS):
            if provedor_id not in self._last:
                self._last[provedor_id], found = store.probe(provedor_id, [event_id for event_id, _ in drafts])
                known.update(found)
            fresh = [(event_id, draft) for event_id, draft in drafts if event_id not in known]
            if not fresh:
                break
            last = self._last[provedor_id]
            try:
                self._write(provedor_id, last, fresh)
            except (ConditionFailed, TransactionConflict):
                self._last.pop(provedor_id, None)
                logger.info("event sequence moved or ids already logged: reading again", extra={"attempt": attempt})
                time.sleep(random.uniform(0, 0.02 * 2**attempt))
                continue
            self._last[provedor_id] = last + len(fresh)
            known.update({event_id: seq for seq, (event_id, _) in enumerate(fresh, start=last + 1)})
            break
        else:
            raise RuntimeError(f"could not log {len(drafts)} events of provedor {provedor_id}")
        return [
            Event(known[event_id], wire_of(draft.type, event_id, known[event_id], draft.data), draft.audience)
            for event_id, draft in drafts
        ]

    def _write(self, provedor_id: int, last: int, drafts: list[tuple[str, Draft]]) -> None:
        expires_at = int(clock.now()) + get_settings().events_retention_hours * 3600
        entries = [
            new_logged_event(
                provedor_id,
                seq,
                event_id,
                draft.type,
                _body(draft, event_id, seq),
                json.dumps(draft.audience.to_json()),
                expires_at,
            )
            for seq, (event_id, draft) in enumerate(drafts, start=last + 1)
        ]
        store.append(provedor_id, last, entries)


def event_of_item(item: dict[str, Any]) -> Event:
    """An event read back from the log."""
    return Event(int(item["seq"]), json.loads(item["body"]), Audience.from_json(json.loads(item["audience"])))


@cache
def event_log() -> EventLog:
    """The EventLog every realtime module shares, made on first use."""
    return EventLog()


def reset() -> None:
    """Forget the shared event log (it holds the table)."""
    event_log.cache_clear()
