"""The local stack's stream pump: batching, partial failures, bisect, retries and the failure destination
(infra/local/stream.py), with fakes instead of moto."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from infra.local.stream import BatchDelivery, FailureLog, StreamPump, lambda_record

ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-01-01T00:00:00.000"


def records(count: int, start: int = 100) -> list[dict[str, Any]]:
    return [{"eventID": f"e{n}", "dynamodb": {"SequenceNumber": str(n)}} for n in range(start, start + count)]


def seq(batch: list[dict[str, Any]]) -> list[int]:
    return [int(r["dynamodb"]["SequenceNumber"]) for r in batch]


class Handler:
    """A stream function: fails the records in `poison` (always), or once each in `flaky`."""

    def __init__(
        self, poison: set[int] = frozenset(), flaky: set[int] = frozenset(), raises: bool = False, response: Any = None
    ) -> None:
        self.poison, self.flaky, self.raises, self.response = set(poison), set(flaky), raises, response
        self.calls: list[list[int]] = []
        self.processed: list[int] = []

    def __call__(self, event: dict[str, Any]) -> Any:
        batch = seq(event["Records"])
        self.calls.append(batch)
        if self.response is not None:
            return self.response
        failed = [n for n in batch if n in self.poison or n in self.flaky]
        self.flaky -= set(failed)
        if failed and self.raises:
            raise RuntimeError("boom")
        self.processed.extend(n for n in batch if n not in failed)  # records before a failure were handled
        return {"batchItemFailures": [{"itemIdentifier": str(n)} for n in failed]}


class Dead:
    def __init__(self) -> None:
        self.records: list[tuple[int, str, int]] = []

    def __call__(self, record: dict[str, Any], reason: str, attempts: int) -> None:
        self.records.append((int(record["dynamodb"]["SequenceNumber"]), reason, attempts))


def delivery(handler: Handler, dead: Dead, waits: list[float] | None = None, **kwargs: Any) -> BatchDelivery:
    waits = [] if waits is None else waits
    return BatchDelivery(handler, dead, wait=lambda s: waits.append(s) or False, **kwargs)


def test_records_go_in_order_in_batches_of_at_most_100() -> None:
    handler, dead = Handler(), Dead()
    assert delivery(handler, dead).deliver(records(250))
    assert [len(call) for call in handler.calls] == [100, 100, 50]
    assert handler.processed == list(range(100, 350))
    assert dead.records == []


def test_a_partial_failure_retries_from_the_first_failed_record_only() -> None:
    handler, dead = Handler(flaky={105, 107}), Dead()
    delivery(handler, dead).deliver(records(10))
    assert handler.calls == [list(range(100, 110)), list(range(105, 110))]
    assert sorted(set(handler.processed)) == list(range(100, 110))
    assert dead.records == []


def test_a_poison_record_is_retried_three_times_then_sent_to_the_failure_destination() -> None:
    handler, dead, waits = Handler(poison={103}), Dead(), []
    assert delivery(handler, dead, waits).deliver(records(6))
    assert handler.calls[0] == list(range(100, 106))
    assert handler.calls[1:4] == [list(range(103, 106))] * 3  # 3 retries from the failed record
    assert handler.calls[4] == [104, 105]  # then the pump moves on
    assert dead.records == [(103, "batch item failure", 4)]
    assert waits == [0.1, 0.2, 0.4]
    assert 104 in handler.processed and 105 in handler.processed


def test_a_function_error_bisects_down_to_the_poison_record() -> None:
    handler, dead = Handler(poison={106}, raises=True), Dead()
    delivery(handler, dead).deliver(records(8))
    assert handler.calls == [
        list(range(100, 108)),
        [100, 101, 102, 103],
        [104, 105, 106, 107],
        [104, 105],
        [106, 107],
        [106],
        [106],
        [106],
        [106],  # alone: 1 attempt + 3 retries
        [107],
    ]
    assert dead.records == [(106, "function error", 4)]
    assert sorted(handler.processed) == [100, 101, 102, 103, 104, 105, 107]  # each good record exactly once


def test_an_unknown_item_identifier_fails_the_whole_batch() -> None:
    handler, dead = Handler(response={"batchItemFailures": [{"itemIdentifier": "nope"}]}), Dead()
    delivery(handler, dead, batch_size=1).deliver(records(1))
    assert len(handler.calls) == 4
    assert dead.records == [(100, "function error", 4)]


def test_stopping_during_a_backoff_abandons_the_rest() -> None:
    handler, dead = Handler(poison={100}), Dead()
    stopped = BatchDelivery(handler, dead, wait=lambda seconds: True)
    assert stopped.deliver(records(3)) is False
    assert len(handler.calls) == 1
    assert dead.records == []


def test_the_failure_destination_appends_json_lines(tmp_path: Path) -> None:
    log = FailureLog(tmp_path / "stream-failures.jsonl")
    log(records(1)[0], "function error", 4)
    log(records(1, 200)[0], "batch item failure", 4)
    lines = [json.loads(line) for line in (tmp_path / "stream-failures.jsonl").read_text().splitlines()]
    assert [line["record"]["eventID"] for line in lines] == ["e100", "e200"]
    assert lines[0]["reason"] == "function error" and lines[0]["attempts"] == 4


def test_a_record_is_shaped_as_lambda_delivers_it() -> None:
    raw = {
        "eventID": "abc",
        "eventName": "INSERT",
        "eventVersion": "1.0",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": datetime(2026, 1, 1, tzinfo=UTC),
            "Keys": {"PK": {"S": "A"}, "SK": {"S": "B"}},
            "NewImage": {"PK": {"S": "A"}, "SK": {"S": "B"}, "blob": {"B": b"\x00\x01"}},
            "SequenceNumber": "7",
            "SizeBytes": 42,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }
    record = lambda_record(raw, ARN, "us-east-1")
    assert record["eventVersion"] == "1.1"
    assert record["eventSourceARN"] == ARN
    assert record["dynamodb"]["ApproximateCreationDateTime"] == 1767225600
    assert record["dynamodb"]["NewImage"]["blob"] == {"B": "AAE="}
    json.dumps(record)  # what Lambda hands a handler is plain JSON


class FakeStreams:
    """dynamodbstreams with shards whose records are appended by the test."""

    def __init__(self) -> None:
        self.shards: dict[str, list[dict[str, Any]]] = {"s1": []}
        self.iterator_types: list[tuple[str, str]] = []

    def describe_stream(self, StreamArn: str, **_: Any) -> dict[str, Any]:
        return {"StreamDescription": {"Shards": [{"ShardId": s} for s in self.shards]}}

    def get_shard_iterator(self, StreamArn: str, ShardId: str, ShardIteratorType: str, **_: Any) -> dict[str, Any]:
        self.iterator_types.append((ShardId, ShardIteratorType))
        start = len(self.shards[ShardId]) if ShardIteratorType == "LATEST" else 0
        return {"ShardIterator": f"{ShardId}:{start}"}

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:
        shard, position = ShardIterator.split(":")
        batch = self.shards[shard][int(position) : int(position) + Limit]
        return {"Records": batch, "NextShardIterator": f"{shard}:{int(position) + len(batch)}"}


def stream_record(n: int) -> dict[str, Any]:
    return {"eventID": f"e{n}", "eventName": "INSERT", "dynamodb": {"SequenceNumber": str(n), "Keys": {}}}


def test_the_pump_starts_at_latest_and_reads_new_shards_from_the_start() -> None:
    streams, handler, forgotten = FakeStreams(), Handler(), []
    streams.shards["s1"] = [stream_record(1)]  # written before start (an import): not replayed
    pump = StreamPump(
        streams,
        ARN,
        delivery(handler, Dead()),
        region="us-east-1",
        rediscover_every=0,
        forget_iterator=forgotten.append,
    )
    pump._discover("LATEST")
    streams.shards["s1"].append(stream_record(2))
    streams.shards["s2"] = [stream_record(10), stream_record(11)]
    pump.poll()
    assert ("s1", "LATEST") in streams.iterator_types and ("s2", "TRIM_HORIZON") in streams.iterator_types
    assert sorted(handler.processed) == [2, 10, 11]
    assert forgotten  # consumed iterators are dropped
    pump.poll()
    assert sorted(handler.processed) == [2, 10, 11]  # nothing twice
