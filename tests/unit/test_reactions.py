"""The stream function's listener pipeline (fake listeners, no AWS): one typed change per record, listeners
prepared once per batch, a listener's failure fails only its record and never keeps the other listeners from
it; and the event filter that keeps from the function what no listener wants."""

from __future__ import annotations

from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer

from infra import stream_filter
from niochat.reactions import change as changes
from niochat.reactions.change import Change
from niochat.reactions.listeners import LISTENERS, wanted_kinds
from niochat.reactions.pipeline import Batch
from tests.unit.test_realtime_batch import Context, stream_function

_serializer = TypeSerializer()


def record(n: int, item: dict[str, Any], name: str = "INSERT") -> dict[str, Any]:
    image = {k: _serializer.serialize(v) for k, v in item.items()}
    dynamodb: dict[str, Any] = {"Keys": {"PK": image["PK"], "SK": image["SK"]}, "SequenceNumber": str(n)}
    dynamodb["OldImage" if name == "REMOVE" else "NewImage"] = image
    return {"eventID": f"e{n}", "eventName": name, "eventSource": "aws:dynamodb", "dynamodb": dynamodb}


class Recorder:
    def __init__(self, name: str, kinds: set[str], fails_on: set[str] = frozenset()) -> None:
        self.name, self.kinds, self.fails_on = name, frozenset(kinds), fails_on
        self.prepared: list[list[str]] = []
        self.seen: list[str] = []

    def prepare(self, batch: Batch) -> None:
        self.prepared.append([c.sequence for c in batch.changes])
        batch.state(self.name, dict)["prepared"] = True

    def handle(self, change: Change, batch: Batch) -> None:
        assert batch.state(self.name, dict)["prepared"]  # the batch's own state, set in prepare
        self.seen.append(change.sequence)
        if change.sequence in self.fails_on:
            raise RuntimeError("boom")


@pytest.fixture
def function(monkeypatch):
    app = stream_function()
    first = Recorder("first", {"message"}, fails_on={"2"})
    second = Recorder("second", {"message", "conversation"})
    monkeypatch.setattr(app, "LISTENERS", (first, second))
    built: list[str] = []
    original = changes.from_record
    monkeypatch.setattr(changes, "from_record", lambda raw: built.append(raw["eventID"]) or original(raw))
    return app, first, second, built


def message(n: int) -> dict[str, Any]:
    return {"PK": "P#3#CONV#1#MSG", "SK": f"{n:016d}", "type": "message", "provedor_id": 3, "id": n}


def test_a_failing_listener_fails_only_its_record_and_the_others_still_see_it(function):
    app, first, second, built = function
    conversation = {"PK": "P#3#CONVERSATION", "SK": "000000000001", "type": "conversation", "id": 1}
    records = [record(1, message(1)), record(2, message(2)), record(3, conversation), record(4, message(4))]
    response = app.lambda_handler({"Records": records}, Context())
    assert response == {"batchItemFailures": [{"itemIdentifier": "2"}]}
    assert first.seen == ["1", "2", "4"] and second.seen == ["1", "2", "3", "4"]
    assert first.prepared == [["1", "2", "3", "4"]] and second.prepared == first.prepared
    assert built == ["e1", "e2", "e3", "e4"]  # one Change per record, built before the first record
    assert app.processor.batch is None  # no batch state outlives its invocation


def test_a_listener_never_sees_kinds_it_did_not_ask_for_and_undecodable_records_fail_alone(function):
    app, first, second, _ = function
    broken = record(2, message(2))
    broken["eventName"] = "WHAT"
    response = app.lambda_handler({"Records": [record(1, message(1)), broken]}, Context())
    assert response == {"batchItemFailures": [{"itemIdentifier": "2"}]}
    assert first.seen == ["1"] and second.seen == ["1"]


def test_a_change_knows_its_provedor_kind_and_images():
    counters = {"PK": "P#12", "SK": "COUNTERS", "type": "counters", "cv_open": 1}
    change = changes.from_record(record(9, counters, "REMOVE"))
    assert (change.kind, change.provedor_id, change.removed, change.new) == ("counters", 12, True, None)
    assert change.item == counters and change.old == counters
    assert changes.provedor_of({"PK": "WSCONN#x", "provedor_id": 4}) == 4
    assert changes.provedor_of({"PK": "PLATFORM#WSCONNS"}) is None


def test_the_stream_filter_passes_only_what_some_listener_wants():
    assert {"message", "conversation", "counters", "aggregate", "audit_log", "ws_connection"} <= wanted_kinds()
    assert wanted_kinds() == frozenset().union(*(listener.kinds for listener in LISTENERS))
    wanted = record(1, message(1))
    assert stream_filter.matches(wanted)
    assert stream_filter.matches(record(2, {"PK": "WSCONN#a", "SK": "WSCONN", "type": "ws_connection"}, "REMOVE"))
    for unwanted in ("event", "event_id", "event_seq", "timer", "fact_claim", "login_failures", "message_read"):
        item = {"PK": "P#3#X", "SK": "1", "type": unwanted}
        assert not stream_filter.matches(record(3, item)), unwanted
        assert not stream_filter.matches(record(4, item, "REMOVE")), unwanted
    assert not stream_filter.matches(record(5, {"PK": "P#3#X", "SK": "1"}))  # an item without a type
