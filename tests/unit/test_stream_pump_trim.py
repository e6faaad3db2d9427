"""The stream pump tells which records it has delivered, so the local stack can drop them from moto."""

from __future__ import annotations

from infra.local.stream import StreamPump
from tests.unit.test_stream_pump import ARN, Dead, FakeStreams, Handler, delivery, stream_record


def test_delivered_records_are_reported_per_shard_through_their_last_sequence_number() -> None:
    streams, handler, trimmed = FakeStreams(), Handler(poison={3}), []
    pump = StreamPump(
        streams,
        ARN,
        delivery(handler, Dead(), max_retries=0),
        region="us-east-1",
        rediscover_every=3600,
        trim=lambda shard, sequence: trimmed.append((shard, sequence)),
    )
    pump._discover("LATEST")
    pump.poll()
    assert trimmed == []  # nothing delivered, nothing to drop
    streams.shards["s1"] += [stream_record(2), stream_record(3), stream_record(4)]
    pump.poll()
    assert trimmed == [("s1", "4")]  # 3 went to the failure destination: delivered too
    assert sorted(set(handler.processed)) == [2, 4]  # 4 twice: retried from the failed record on
