"""The local stack with data in its table: what infra.moto_patches and the journal buy, and what a user of
`make dev` waits for with 1,000 and 30,000 items.

Three tables:
- the embedded DynamoDB alone (in-process moto, plain and patched, each in a fresh interpreter): a
  4-operation TransactWriteItems and a 20-item GSI query, at 1,000 and 30,000 items;
- the journal's cost per write: a PutItem on patched moto with and without the journal listening;
- the local stack as a real process: inbound text webhooks at 1, 4 and 8 concurrent posters (messages/s,
  p50/p99) and `GET /api/conversations/` latency, at 1,000 and 30,000 items.

The filler items belong to another provedor's partitions and fill every GSI, as a busy neighbour's data
would; they are written through the embedded AWS's own endpoint, then the stack is restarted so that it
starts from them as from any saved data (their stream records are not replayed).
`python -m bench.local_stack probe (plain|patched) ITEMS` runs one engine probe and prints its JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.realtime_latency import LocalStack, _ms, _setup
from bench.report import render
from bench.webhooks import _blast

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1_000, 30_000)
CONCURRENCY = (1, 4, 8)
MESSAGES = 200
LIST_REQUESTS = 50
FILLER_PARTITIONS = 300
PAYLOAD = "x" * 600  # about the size of a stored message


# -- the engine alone --------------------------------------------------------------------------------
def _filler(n: int) -> dict[str, Any]:
    part = n % FILLER_PARTITIONS
    return {
        "PK": {"S": f"P#9{part:03d}#FILL"},
        "SK": {"S": f"ITEM#{n:08d}"},
        "GSI1PK": {"S": f"P#9{part:03d}#G1"},
        "GSI1SK": {"S": f"{n:08d}"},
        "GSI2PK": {"S": f"P#9{part:03d}#G2"},
        "GSI2SK": {"S": f"{n:08d}"},
        "GSI3PK": {"S": f"P#9{part:03d}#G3"},
        "GSI3SK": {"S": f"{n:08d}"},
        "body": {"S": PAYLOAD},
    }


def _fill(client: Any, table: str, count: int, start: int = 0) -> None:
    batch: list[dict[str, Any]] = []
    for n in range(start, start + count):
        batch.append({"PutRequest": {"Item": _filler(n)}})
        if len(batch) == 25:
            client.batch_write_item(RequestItems={table: batch})
            batch = []
    if batch:
        client.batch_write_item(RequestItems={table: batch})


def _median_ms(action: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def probe(engine: str, items: int) -> dict[str, float]:
    """In this (fresh) interpreter: moto in process, patched or not, `items` filler items; the median
    4-operation transaction and 20-item GSI query in ms."""
    from bench import env

    env.apply()
    import boto3
    from moto import mock_aws

    if engine == "patched":
        from infra import moto_patches

        moto_patches.install()
    from niochat.store import schema

    with mock_aws():
        client = boto3.client("dynamodb")
        schema.create_table(client, "probe")
        _fill(client, "probe", items - 40)
        for n in range(40):  # the partition the probe reads and writes
            item = {"PK": {"S": "P#1#CONVS"}, "SK": {"S": f"CONV#{n:04d}"}, "GSI1PK": {"S": "P#1#OPEN"},
                    "GSI1SK": {"S": f"{n:04d}"}, "body": {"S": PAYLOAD}}  # fmt: skip
            client.put_item(TableName="probe", Item=item)
        counter = iter(range(10**6))

        def transaction() -> None:
            n = next(counter)
            conversation = {"PK": {"S": "P#1#CONVS"}, "SK": {"S": "CONV#0001"}}
            other = {"PK": {"S": "P#1#CONVS"}, "SK": {"S": "CONV#0002"}}
            message = {"PK": {"S": "P#1#MSGS"}, "SK": {"S": f"M#{n}"}, "body": {"S": PAYLOAD}}
            claim = {"PK": {"S": "P#1#IDEM"}, "SK": {"S": f"I#{n}"}}
            set_last = {"UpdateExpression": "SET last_message = :n", "ExpressionAttributeValues": {":n": {"N": str(n)}}}
            client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": "probe", "Item": message}},
                    {"Put": {"TableName": "probe", "Item": claim, "ConditionExpression": "attribute_not_exists(PK)"}},
                    {"Update": {"TableName": "probe", "Key": conversation, **set_last}},
                    {
                        "ConditionCheck": {
                            "TableName": "probe",
                            "Key": other,
                            "ConditionExpression": "attribute_exists(PK)",
                        }
                    },
                ]
            )

        def query() -> None:
            answer = client.query(
                TableName="probe",
                IndexName="GSI1",
                KeyConditionExpression="GSI1PK = :pk",
                ExpressionAttributeValues={":pk": {"S": "P#1#OPEN"}},
                ScanIndexForward=False,
                Limit=20,
            )
            assert answer["Count"] == 20

        slow = engine == "plain" and items > 5_000  # plain moto: seconds per transaction at this size
        transaction()
        query()
        return {
            "transaction_ms": _median_ms(transaction, 3 if slow else 20),
            "query_ms": _median_ms(query, 5 if slow else 50),
        }


def _probe(engine: str, items: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.local_stack", "probe", engine, str(items)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _engine() -> str:
    results = {(engine, items): _probe(engine, items) for engine in ("patched", "plain") for items in SIZES}
    rows = []
    for what, key in (("4-operation TransactWriteItems", "transaction_ms"), ("20-item GSI query", "query_ms")):
        for engine in ("patched", "plain"):
            small, large = (results[engine, items][key] for items in SIZES)
            verdict = ("yes" if large <= 2 * small else "NO") if engine == "patched" else "—"
            rows.append([what, engine, small, large, round(large / small, 2), verdict])
    notes = [
        "In-process moto in a fresh interpreter per column pair; median of 20 (3 for plain moto's transaction",
        "at 30,000 items: seconds each) after one warm call. Filler items spread over 300 partitions, every",
        "GSI filled. Target: the patched engine at 30,000 items within 2x of its time at 1,000.",
    ]
    headers = ["operation", "moto", "ms @ 1,000", "ms @ 30,000", "ratio", "within 2x?"]
    return render("Local stack: the embedded DynamoDB at 1,000 and 30,000 items", headers, rows, notes)


# -- the journal ---------------------------------------------------------------------------------------
def journal_probe() -> dict[str, float]:
    from bench import env

    env.apply()
    import boto3
    from moto import mock_aws

    from infra import moto_patches
    from infra.local.journal import Journal
    from niochat.store import schema

    moto_patches.install()
    with mock_aws(), tempfile.TemporaryDirectory(prefix="niochat-journal-") as folder:
        client = boto3.client("dynamodb")
        schema.create_table(client, "probe")
        counter = iter(range(10**6))

        def put() -> None:
            client.put_item(TableName="probe", Item=_filler(next(counter)))

        put()
        without = _median_ms(put, 400)
        journal = Journal(Path(folder), 1 << 40)
        journal.open()
        try:
            put()
            with_journal = _median_ms(put, 400)
        finally:
            journal.close()
    return {"without_ms": without, "with_ms": with_journal}


def _journal() -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bench.local_stack", "journal"], cwd=ROOT, capture_output=True, text=True,
        timeout=600, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    extra_us = 1000 * (result["with_ms"] - result["without_ms"])
    rows = [["PutItem, ~0.7 KB item", 1000 * result["without_ms"], 1000 * result["with_ms"], extra_us]]
    notes = [
        "Patched in-process moto, median of 400 PutItems each way. The journal appends the request's changes",
        "and fdatasyncs before the answer leaves (concurrent writers share one fdatasync).",
    ]
    headers = ["write", "µs without journal", "µs with journal", "journal µs/write"]
    return render("Local stack: the journal's cost per write", headers, rows, notes)


# -- the stack as a process ------------------------------------------------------------------------
def _item_count(stack: LocalStack) -> int:
    client = stack.aws("dynamodb")
    total, start = 0, None
    while True:
        page = client.scan(TableName=stack.table, Select="COUNT", **({"ExclusiveStartKey": start} if start else {}))
        total += page["Count"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return total


async def _list_latency(base_url: str, token: str) -> list[float]:
    import httpx

    times = []
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        headers = {"Authorization": f"Token {token}"}
        await client.get("/api/conversations/", headers=headers)
        for _ in range(LIST_REQUESTS):
            started = time.perf_counter()
            response = await client.get("/api/conversations/", headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"{response.status_code} {response.text}")
            times.append(time.perf_counter() - started)
    return times


def _stack_at(items: int, log: Any) -> list[list[Any]]:
    rows: list[list[Any]] = []
    with tempfile.TemporaryDirectory(prefix="niochat-bench-") as data_dir:
        stack = LocalStack(data_dir)
        try:
            stack.wait_ready()
            world = _setup(stack.base_url)
            missing = items - _item_count(stack)
            log(f"  filling the table to {items:,} items ({missing:,} filler items)")
            _fill(stack.aws("dynamodb"), stack.table, max(0, missing))
        finally:
            stack.stop()
        stack = LocalStack(data_dir, moto_port=stack.moto_port)  # starts from the saved data
        try:
            stack.wait_ready()
            counted = _item_count(stack)
            for concurrency in CONCURRENCY:
                log(f"  {MESSAGES} webhooks at {concurrency} concurrent posters")
                elapsed, latencies = asyncio.run(_blast(stack.base_url, world["webhook"], MESSAGES, concurrency))
                rows.append([f"webhooks, {concurrency} posters", counted, round(len(latencies) / elapsed, 1),
                             _ms(latencies, 0.5), _ms(latencies, 0.99)])  # fmt: skip
            times = asyncio.run(_list_latency(stack.base_url, world["people"]["admin"]["token"]))
            rows.append(["GET /api/conversations/", counted, None, _ms(times, 0.5), _ms(times, 0.99)])
        finally:
            stack.stop()
    return rows


def _stack(log: Any) -> str:
    rows = []
    for items in SIZES:
        log(f"local stack at {items:,} items")
        rows += _stack_at(items, log)
    notes = [
        "`python -m infra.local` as a real process (patched moto server, journal, a worker process per",
        "function, the stream pump). Webhooks: text messages from one known contact, each POST waiting for",
        "its 200 `stored`. The list: 50 requests one after the other by the provedor's admin. 'items' is the",
        "table's item count when the measurement started. Target at 30,000 items: >= 20 messages/s at 4",
        "posters with p99 < 1,000 ms.",
    ]
    headers = ["request", "items", "messages/s", "p50 ms", "p99 ms"]
    return render("Local stack: requests at 1,000 and 30,000 items", headers, rows, notes)


def run() -> list[str]:
    def log(line: str) -> None:
        print(f"[local_stack] {line}", file=sys.stderr, flush=True)

    log("the embedded DynamoDB, plain and patched (plain moto takes about a minute at 30,000 items)")
    tables = [_engine(), _journal()]
    return [*tables, _stack(log)]


if __name__ == "__main__":
    if sys.argv[1:2] == ["probe"]:
        sys.stdout.write(json.dumps(probe(sys.argv[2], int(sys.argv[3]))) + "\n")
    elif sys.argv[1:2] == ["journal"]:
        sys.stdout.write(json.dumps(journal_probe()) + "\n")
    else:
        raise SystemExit("usage: python -m bench.local_stack (probe (plain|patched) ITEMS | journal)")
    sys.stdout.flush()
    os._exit(0)  # moto's threads need not be joined
