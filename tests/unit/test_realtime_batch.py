"""A stream batch through the stream function with fakes for the table, the log and the management API: each
record's failure is reported on its own and never stops the records after it."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from boto3.dynamodb.types import TypeSerializer

from niochat.domain.calendar import Calendar
from niochat.realtime import listener as stream
from niochat.realtime import log
from niochat.realtime.events import Draft
from niochat.store import aggregates, calendars, clients

ROOT = Path(__file__).resolve().parents[2]
P = 3


class Context:
    function_name = "stream"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:stream"
    aws_request_id = "unit"


def stream_function() -> Any:
    name = "unit_function_stream"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "functions" / "stream" / "app.py")
        assert spec and spec.loader
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


class FakeLog:
    def __init__(self) -> None:
        self.seq = 0

    def append(self, provedor_id: int, drafts: list[tuple[str, Draft]]) -> list[log.Event]:
        logged = []
        for event_id, draft in drafts:
            self.seq += 1
            logged.append(log.Event(self.seq, log.wire_of(draft.type, event_id, self.seq, draft.data), draft.audience))
        return logged


class FakeApi:
    class exceptions:
        GoneException = type("GoneException", (Exception,), {})

    def __init__(self) -> None:
        self.posts: dict[str, list[dict]] = defaultdict(list)

    def post_to_connection(self, ConnectionId: str, Data: bytes) -> None:
        self.posts[ConnectionId].append(json.loads(Data))


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> FakeApi:
    api = FakeApi()
    fake_log = FakeLog()
    admin = {"connection_id": "admin", "user_id": 1, "provedor_id": P, "user_type": "admin", "expires_at": 2**40}
    monkeypatch.setattr(stream, "event_log", lambda: fake_log)
    monkeypatch.setattr(stream.connections, "of_provedor", lambda provedor_id: [admin] if provedor_id == P else [])
    monkeypatch.setattr(stream.Shared, "prefetch_conversations", lambda self, images: None)
    conversation = {"id": 5, "provedor_id": P, "status": "open", "assignee_id": None, "team_id": None}
    monkeypatch.setattr(stream.Shared, "conversation", lambda self, provedor_id, conversation_id: conversation)
    # The aggregates listener's writes (its own tests run on moto).
    monkeypatch.setattr(aggregates, "record", lambda *args, **kwargs: True)
    monkeypatch.setattr(calendars, "calendars", lambda ids: {p: Calendar() for p in ids})
    monkeypatch.setattr(clients, "management_api", lambda endpoint: api)
    return api


def record(sequence: str, image: dict[str, Any], name: str = "INSERT") -> dict[str, Any]:
    serializer = TypeSerializer()
    return {
        "eventID": f"id-{sequence}",
        "eventName": name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "Keys": {"PK": {"S": image.get("PK", "x")}, "SK": {"S": image.get("SK", "y")}},
            "NewImage": {k: serializer.serialize(v) for k, v in image.items()},
            "SequenceNumber": sequence,
            "SizeBytes": 100,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026",
    }


def message(message_id: int, **fields: Any) -> dict[str, Any]:
    item = {"type": "message", "provedor_id": P, "id": message_id, "conversation": 5, "content": f"m{message_id}"}
    return {**item, "is_from_customer": True, **fields}


def test_one_bad_record_is_reported_and_the_others_are_processed(fakes: FakeApi) -> None:
    bad = message(2)
    del bad["conversation"]
    records = [record("100", message(1)), record("200", bad), record("300", message(3))]

    response = stream_function().lambda_handler({"Records": records}, Context())

    assert response == {"batchItemFailures": [{"itemIdentifier": "200"}]}
    contents = [event["data"]["message"]["content"] for event in fakes.posts["admin"]]
    assert contents == ["m1", "m3"]


def test_the_event_logs_own_records_are_ignored(fakes: FakeApi) -> None:
    logged = {"PK": f"P#{P}#EVENTS", "SK": "000000000001", "type": "event", "provedor_id": P, "body": "{}"}
    sequence = {"PK": f"P#{P}", "SK": "EVENTSEQ", "type": "event_seq", "n": 1}
    response = stream_function().lambda_handler({"Records": [record("1", logged), record("2", sequence)]}, Context())
    assert response == {"batchItemFailures": []}
    assert fakes.posts == {}


def test_a_batch_whose_every_record_fails_is_a_function_error(fakes: FakeApi) -> None:
    """Powertools raises when no record succeeded: the event source retries (and bisects) the whole batch."""
    bad = message(2)
    del bad["conversation"]
    with pytest.raises(BatchProcessingError):
        stream_function().lambda_handler({"Records": [record("200", bad)]}, Context())


def test_a_day_aggregate_of_today_sends_dashboard_metrics_with_the_mean_durations(
    fakes: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The day's sums and sample counts (niochat.domain.reports.day_view): mean seconds rounded to 0.1."""
    monkeypatch.setattr(stream.clock, "now", lambda: 1768489200.0)  # 2026-01-15T15:00:00Z, 12:00 in São Paulo
    monkeypatch.setattr(calendars, "calendar", lambda provedor_id: Calendar())
    monkeypatch.setattr(stream.counter_store, "read_item", lambda provedor_id: {"type": "counters", "cv_open": 1})
    pk, sk = aggregates.day_key(P, "2026-01-15")
    day = {"PK": pk, "SK": sk, "type": "aggregate", "day": "2026-01-15", "provedor_id": P, "messages_received": 4}
    day.update(frt_n=2, frt_s=150, rt_n=1, rt_s=45, res_n=1, res_s=600)

    response = stream_function().lambda_handler({"Records": [record("100", day)]}, Context())

    assert response == {"batchItemFailures": []}
    (event,) = [e for e in fakes.posts["admin"] if e["type"] == "dashboard_metrics"]
    today = event["data"]["today"]
    assert event["data"]["open_conversations"] == 1 and today["date"] == "2026-01-15"
    assert today["messages_received"] == 4
    assert (today["first_response_seconds"], today["first_response_samples"]) == (75.0, 2)  # 150 / 2
    assert (today["reply_seconds"], today["reply_samples"]) == (45.0, 1)
    assert (today["resolution_seconds"], today["resolution_samples"]) == (600.0, 1)
