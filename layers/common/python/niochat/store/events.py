"""The realtime event log: per provedor, a dense sequence of events kept for a while (deleted by the sweep once
expired, niochat.store.due), read with a Query.

- sequence `P#<p>` / `EVENTSEQ` {type: event_seq, n}: the last seq given out. It moves only in the
  transaction that writes the events it numbers, conditional on the value read, so seqs have no gaps and
  a seq is visible in the log only after every smaller one is (see niochat.realtime.log);
- event `P#<p>#EVENTS` / `<seq, zero-padded>` {type: event, seq, event_id, event_type, body (the event's
  JSON), audience (JSON), expires_at};
- logged id `P#<p>#EVENTIDS` / `<event id>` {type: event_id, seq, expires_at}: an event id already
  logged, so a stream record delivered again is not logged twice.

None of these types is a change the stream handler reacts to (no loop).
"""

from __future__ import annotations

from typing import Any

from niochat.domain.events import LoggedEvent
from niochat.store import due, keys
from niochat.store.table import Item, Page, table
from niochat.store.writes import Operation, Put, Update, field

SEQUENCE_TYPE = "event_seq"
EVENT_TYPE = "event"
EVENT_ID_TYPE = "event_id"
TYPES = frozenset({SEQUENCE_TYPE, EVENT_TYPE, EVENT_ID_TYPE})


def read_sequence(provedor_id: int) -> int:
    item = table().get(*keys.event_sequence(provedor_id), consistent=True)
    return int(item["n"]) if item else 0


def probe(provedor_id: int, event_ids: list[str]) -> tuple[int, dict[str, int]]:
    """The last seq given out and, of `event_ids`, those already logged → their seq (one BatchGetItem).
    Eventually consistent (BatchGetItem's default): a stale answer only makes the next write's condition
    fail once more."""
    wanted = [keys.event_sequence(provedor_id)] + [(keys.event_ids(provedor_id), i) for i in event_ids]
    last, logged = 0, {}
    for item in table().batch_get(wanted):
        if item.get("type") == SEQUENCE_TYPE:
            last = int(item["n"])
        else:
            logged[item["SK"]] = int(item["seq"])
    return last, logged


def append(provedor_id: int, last: int, entries: list[LoggedEvent]) -> None:
    """Log `entries` (numbered last+1…) in one transaction: the sequence moves from `last` (ConditionFailed on
    `sequence`: someone else moved it), each id is claimed (on `logged<seq>`: already logged)."""
    pk, sk = keys.event_sequence(provedor_id)
    sequence = Update("sequence", pk, sk).set("n", last + len(entries)).set("type", SEQUENCE_TYPE)
    sequence.when(field("PK").not_exists() if last == 0 else field("n").eq(last))
    operations: list[Operation] = [sequence]
    for entry in entries:
        event = {**entry, "PK": keys.event_log(provedor_id), "SK": keys.pad(entry["seq"]), "type": EVENT_TYPE}
        marker = {
            "PK": keys.event_ids(provedor_id),
            "SK": entry["event_id"],
            "type": EVENT_ID_TYPE,
            "seq": entry["seq"],
            "expires_at": entry["expires_at"],
        }
        operations.append(Put(f"event{entry['seq']}", due.expiring(event)))
        operations.append(Put(f"logged{entry['seq']}", due.expiring(marker)).when_absent())
    table().transact(operations)


def after(provedor_id: int, seq: int, limit: int, start_key: dict[str, Any] | None = None) -> Page:
    """Events with a seq greater than `seq`, oldest first (one Query)."""
    return table().query(
        keys.event_log(provedor_id),
        sk_condition="#sk > :after",
        values={":after": keys.pad(seq)},
        limit=limit,
        start_key=start_key,
        consistent=True,  # an event posted live is already readable here
    )


def is_log_item(item: Item) -> bool:
    return item.get("type") in TYPES
