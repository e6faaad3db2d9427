"""The event log on moto: dense seqs per provedor whatever the number of writers, ids logged once."""

from __future__ import annotations

import threading

from niochat.realtime.events import ADMINS, Draft
from niochat.realtime.log import EventLog, event_of_item
from niochat.store import events as store


def draft(n: int, provedor_id: int = 1) -> Draft:
    return Draft("audit_log", provedor_id, {"action": f"a{n}"}, ADMINS)


def logged(provedor_id: int) -> list[dict]:
    return store.after(provedor_id, 0, 1000).items


def test_two_writers_of_one_provedor_share_one_dense_sequence(aws) -> None:
    first, second = EventLog(), EventLog()  # two processes (two stream shards), each remembering its last seq
    for n in range(6):
        writer = first if n % 3 else second
        (event,) = writer.append(1, [(f"e{n}", draft(n))])
        assert event.seq == n + 1
    assert [item["seq"] for item in logged(1)] == [1, 2, 3, 4, 5, 6]
    assert EventLog().append(2, [("other", draft(0, provedor_id=2))])[0].seq == 1  # per provedor


def test_concurrent_writers_never_share_or_skip_a_seq(aws) -> None:
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        log = EventLog()
        try:
            for n in range(5):
                log.append(1, [(f"w{worker}-{n}", draft(n))])
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    items = logged(1)
    assert [item["seq"] for item in items] == list(range(1, 21))
    assert len({item["event_id"] for item in items}) == 20


def test_ids_already_logged_keep_their_seq(aws) -> None:
    log = EventLog()
    log.append(1, [("x", draft(1)), ("y", draft(2))])
    again = EventLog().append(1, [("y", draft(2)), ("z", draft(3))])  # a redelivered record, then a new one
    assert [(e.wire["id"], e.seq) for e in again] == [("y", 2), ("z", 3)]
    assert [event_of_item(item).wire["id"] for item in logged(1)] == ["x", "y", "z"]


def test_many_events_at_once_span_transactions(aws) -> None:
    events = EventLog().append(1, [(f"e{n}", draft(n)) for n in range(30)])
    assert [e.seq for e in events] == list(range(1, 31))
    assert store.read_sequence(1) == 30
