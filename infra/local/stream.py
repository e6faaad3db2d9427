"""The stream pump: the table's stream records, read through `dynamodbstreams`, fed to the stream function
in Lambda's DynamoDB event shape, like an event source mapping with ReportBatchItemFailures, bisect on
function error, 3 retries and an on-failure destination (a JSON-lines file).

`BatchDelivery` is the batch/retry policy (pure: no AWS, no threads); `StreamPump` is the polling thread.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Record = dict[str, Any]


def lambda_record(raw: Record, stream_arn: str, region: str) -> Record:
    """A `get_records` record (as boto3 parses it) as Lambda delivers it: epoch seconds, base64 binaries."""
    record = {
        "eventID": raw["eventID"],
        "eventName": raw["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": raw.get("awsRegion") or region,
        "dynamodb": _jsonable(raw["dynamodb"]),
        "eventSourceARN": stream_arn,
    }
    if "userIdentity" in raw:
        record["userIdentity"] = raw["userIdentity"]
    return record


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return int(value.timestamp())
    return value


class FailureLog:
    """The on-failure destination: one JSON line per record given up on."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def __call__(self, record: Record, reason: str, attempts: int) -> None:
        line = {"time": time.time(), "reason": reason, "attempts": attempts, "record": record}
        with self._lock, self.path.open("a", encoding="utf-8") as file:
            file.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")


class BatchDelivery:
    """Deliver records in order, in batches, honouring `batchItemFailures`.

    - A partial failure: the records before the first failed one are done; the rest is sent again.
    - A function error (an exception or a malformed response): the batch is halved (bisect) until the
      failing record is alone.
    - A record that still fails after `max_retries` retries (backoff 0.1 s, 0.2 s, 0.4 s…) goes to
      `on_failure` and delivery moves on: a poison record never blocks the ones after it.
    """

    def __init__(
        self,
        invoke: Callable[[dict[str, Any]], Any],
        on_failure: Callable[[Record, str, int], None],
        *,
        batch_size: int = 100,
        max_retries: int = 3,
        backoff: float = 0.1,
        wait: Callable[[float], bool] | None = None,
    ) -> None:
        self._invoke = invoke
        self._on_failure = on_failure
        self.batch_size = batch_size
        self.max_retries = max_retries
        self.backoff = backoff
        # Sleeps; True means "stop now" (a stop event's wait).
        self._wait = wait or threading.Event().wait

    def deliver(self, records: list[Record]) -> bool:
        """Deliver every record (or give up on it); False when stopped part-way through."""
        pending = list(records)
        size, retries = self.batch_size, 0
        while pending:
            batch = pending[:size]
            failed, reason = self._attempt(batch)
            if failed is None:
                del pending[: len(batch)]
                size, retries = self.batch_size, 0
                continue
            if failed:
                del pending[:failed]
                retries = 0
            if reason == "function error" and len(batch) - failed > 1:
                size = max(1, (len(batch) - failed) // 2)
                continue
            retries += 1
            if retries > self.max_retries:
                record = pending.pop(0)
                log.error(
                    "stream record %s given up on after %d attempts (%s)",
                    record["dynamodb"]["SequenceNumber"],
                    retries,
                    reason,
                )
                self._on_failure(record, reason, retries)
                size, retries = self.batch_size, 0
                continue
            if self._wait(self.backoff * 2 ** (retries - 1)):
                return False
        return True

    def _attempt(self, batch: list[Record]) -> tuple[int | None, str]:
        """(index of the first failed record or None, why)."""
        try:
            response = self._invoke({"Records": batch})
        except Exception:
            log.exception("stream function failed on a batch of %d", len(batch))
            return 0, "function error"
        failures = response.get("batchItemFailures") if isinstance(response, dict) else None
        if not failures:
            return None, ""
        sequence_numbers = [record["dynamodb"]["SequenceNumber"] for record in batch]
        try:
            return min(sequence_numbers.index(f["itemIdentifier"]) for f in failures), "batch item failure"
        except (KeyError, TypeError, ValueError):
            # An unknown or empty itemIdentifier: Lambda treats the whole batch as failed.
            log.error("malformed batchItemFailures: %s", failures)
            return 0, "function error"


class Consumer:
    """One event source mapping: its filter (infra.stream_filter) and its function's batch delivery."""

    def __init__(self, wanted: Callable[[Record], bool], delivery: BatchDelivery) -> None:
        self.wanted = wanted
        self.delivery = delivery


class StreamPump:
    """Polls every shard of a stream and hands records to `delivery`, and to each of `also` (further event
    source mappings of the same stream: the AI assistant's), one after the other. On AWS each mapping reads
    the stream on its own; here a slow consumer delays the next poll.

    It polls as soon as `nudge()` says a write landed (the local stack nudges it from the moto patches' write
    boundary), and otherwise every `interval` seconds: an idle stack no longer asks moto for records ten
    times a second."""

    def __init__(
        self,
        client: Any,
        stream_arn: str,
        delivery: BatchDelivery,
        *,
        region: str,
        interval: float = 1.0,
        rediscover_every: float = 5.0,
        forget_iterator: Callable[[str], None] = lambda iterator: None,
        stop: threading.Event | None = None,
        trim: Callable[[str, str], None] = lambda shard_id, sequence: None,
        wanted: Callable[[Record], bool] = lambda record: True,
        also: tuple[Consumer, ...] = (),
    ) -> None:
        self._client = client
        self.stream_arn = stream_arn
        self._delivery = delivery
        self._region = region
        self._interval = interval
        self._rediscover_every = rediscover_every
        self._forget = forget_iterator
        # Called with (shard id, last sequence number) once a shard's records up to it are delivered.
        self._trim = trim
        # The event source mapping's filter: records it drops never reach the function (infra.stream_filter).
        self._consumers = (Consumer(wanted, delivery), *also)
        # Shared with the delivery's wait, so stop() also cuts a retry backoff short.
        self._stop = stop or threading.Event()
        self._nudged = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stream-pump", daemon=True)
        # shard id → iterator (None once the shard is closed and read to its end)
        self._iterators: dict[str, str | None] = {}
        self._position: dict[str, str] = {}
        self._last_sequence: dict[str, str] = {}
        self._discovered_at = 0.0

    def start(self, position: str = "LATEST") -> None:
        """Take iterators at `position` for the shards there now (synchronously, so nothing written after
        start() is missed), then poll in a thread. Shards that appear later are read from TRIM_HORIZON."""
        self._discover(position)
        self._thread.start()

    def nudge(self) -> None:
        """Records may be waiting: poll now, not at the end of the interval."""
        self._nudged.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._nudged.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _discover(self, position: str) -> None:
        self._discovered_at = time.monotonic()
        shards: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"StreamArn": self.stream_arn}
        while True:
            description = self._client.describe_stream(**kwargs)["StreamDescription"]
            shards.extend(description.get("Shards", []))
            if not description.get("LastEvaluatedShardId"):
                break
            kwargs["ExclusiveStartShardId"] = description["LastEvaluatedShardId"]
        for shard in shards:
            if shard["ShardId"] not in self._iterators:
                self._position[shard["ShardId"]] = position
                self._iterators[shard["ShardId"]] = self._iterator(shard["ShardId"])

    def _iterator(self, shard_id: str) -> str:
        kwargs: dict[str, Any] = {
            "StreamArn": self.stream_arn,
            "ShardId": shard_id,
            "ShardIteratorType": self._position[shard_id],
        }
        if shard_id in self._last_sequence:  # resume after an error without skipping or repeating
            kwargs.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=self._last_sequence[shard_id])
        return self._client.get_shard_iterator(**kwargs)["ShardIterator"]

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.poll()
            except Exception:
                log.exception("stream pump poll failed")
                busy = False
            if not busy:
                # Cleared before the poll that follows: a write nudges once its records are in the stream, so
                # that poll reads them, and a nudge after it ends the next wait at once.
                self._nudged.wait(self._interval)
                self._nudged.clear()

    def poll(self) -> bool:
        """Read each shard once and deliver what came; True when a shard may have more right away."""
        if time.monotonic() - self._discovered_at > self._rediscover_every:
            self._discover("TRIM_HORIZON")
        busy = False
        for shard_id, iterator in list(self._iterators.items()):
            if iterator is None or self._stop.is_set():
                continue
            try:
                response = self._client.get_records(ShardIterator=iterator, Limit=self._delivery.batch_size)
            except Exception:
                log.warning("get_records failed on %s: taking a new iterator", shard_id, exc_info=True)
                self._iterators[shard_id] = self._iterator(shard_id)
                continue
            self._forget(iterator)
            self._iterators[shard_id] = response.get("NextShardIterator")
            records = response.get("Records", [])
            if records:
                self._last_sequence[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]
                events = [lambda_record(r, self.stream_arn, self._region) for r in records]
                if self._deliver(events):
                    self._trim(shard_id, records[-1]["dynamodb"]["SequenceNumber"])
                busy = busy or len(records) >= self._delivery.batch_size
        return busy

    def _deliver(self, events: list[Record]) -> bool:
        """Each consumer's share of the records, delivered; False when stopped part-way through."""
        for consumer in self._consumers:
            wanted = [event for event in events if consumer.wanted(event)]
            if wanted and not consumer.delivery.deliver(wanted):
                return False
        return True
