"""Reactions and timers: DynamoDB calls per stream batch (the stream function's listeners) and per sweep
tick (idle, and with 100 due items), on in-process moto with every call of the shared client counted.

Stream batches: N customer messages in one conversation of provedor A (2 connections), their records
filtered as the event source mapping does, handed to the stream function as one batch; then the batch of
what that wrote (today's aggregate, N times), which coalesces into one dashboard_metrics event.
"""

from __future__ import annotations

from typing import Any

from bench.harness import Harness, Measurement, load_function
from bench.realtime import Posts, World
from bench.report import render

BATCHES = (1, 10, 100)
DUE = 100


def _batch(world: World, records: list[dict[str, Any]]) -> tuple[Measurement, int]:
    from unittest import mock

    from infra import stream_filter
    from niochat.store import clients

    wanted = [record for record in records if stream_filter.matches(record)]
    if not wanted:  # the event source mapping invokes nothing for a batch the filter emptied
        return Measurement(status=0, body=None), 0
    posts = Posts()
    with mock.patch.object(clients, "management_api", lambda endpoint: posts), world.h.meter.recording() as m:
        response = world.handle({"Records": wanted})
    assert response == {"batchItemFailures": []}, response
    return m, posts.count


def stream_rows(h: Harness) -> list[list[Any]]:
    from infra import stream_filter

    world = World(h)
    world.new_conversation()
    world.customer_message()
    world.stream.read()
    _batch(world, world.stream.read())  # warm
    rows = []
    for size in BATCHES:
        for _ in range(size):
            world.customer_message()
        records = world.stream.read()
        m, posts = _batch(world, records)
        kept = sum(1 for r in records if stream_filter.matches(r))
        rows.append([f"{size} customer message(s)", len(records), kept, m.calls_text(), m.items_read, posts])
        follow = world.stream.read()  # what the first batch wrote: aggregates (and the event log, filtered out)
        m, posts = _batch(world, follow)
        kept = sum(1 for r in follow if stream_filter.matches(r))
        rows.append(["  → the batch after it", len(follow), kept, m.calls_text(), m.items_read, posts])
        world.stream.read()
    return rows


def _seed_due(kind: str) -> None:
    """DUE items due a second ago: sending timeouts of messages already sent, or expired connections."""
    from niochat import clock
    from niochat.domain.connections import new_connection
    from niochat.domain.users import Principal, UserType
    from niochat.store import connections, due, messages
    from niochat.store.table import table
    from niochat.store.writes import Put
    from niochat.timers.kinds import SENDING_TIMEOUT

    now = clock.now()
    for n in range(DUE):
        if kind == "timers":
            message = {"id": 10_000 + n, "conversation": 1, "message_type": "outgoing", "status": "sent",
                       "created_at": clock.iso(now - 300), "updated_at": clock.iso(now - 300)}  # fmt: skip
            table().write(Put("message", messages.item(1, message)))
            args = {"conversation_id": 1, "message_id": message["id"]}
            table().transact([due.schedule_op(1, SENDING_TIMEOUT, str(message["id"]), now - 1, args)])
        else:
            agent = Principal(user_id=9, provedor_id=1, user_type=UserType.AGENT, username="ana")
            connections.put(new_connection(f"old-{n}", agent, [], int(now) - 7201, 7200))


def sweep_rows(h: Harness) -> list[list[Any]]:
    from infra.lambda_runtime import LambdaContext
    from infra.local.ticker import scheduled_event

    timers = load_function("timers")
    rows = []
    for label, seeded in (("idle", None), (f"{DUE} due timers (sending timeouts, already sent)", "timers"),
                          (f"{DUE} expired connections", "expired")):  # fmt: skip
        if seeded:
            _seed_due(seeded)
        with h.meter.recording() as m:
            result = timers.lambda_handler(scheduled_event(), LambdaContext())
        done = {k: v for k, v in result.items() if v and k != "queries"}
        rows.append([label, m.calls_text(), m.items_read, ", ".join(f"{k} {v}" for k, v in done.items()) or "—"])
    return rows


def run() -> list[str]:
    with Harness() as h:
        stream = stream_rows(h)
    with Harness() as h:
        sweep = sweep_rows(h)
    tables = [
        render(
            "Reactions: DynamoDB calls per stream batch (functions/stream: realtime + aggregates listeners)",
            ["batch", "records", "after the filter", "DynamoDB calls", "items read", "posts"],
            stream,
            [
                "In-process moto, warm function, provedor A with 2 connections. A customer message writes the",
                "message and the conversation (and the contact); the records after the filter reach the function.",
                "Per message: the realtime event's log transaction (with its BatchGetItem probe) and the fact's",
                "TransactWriteItems + the day's last_message_at UpdateItem. The batch after it carries today's",
                "aggregate N times: one dashboard_metrics (counters + day read once), the rest coalesced.",
            ],
        ),
        render(
            "Timers: DynamoDB calls per sweep tick (functions/timers)",
            ["tick", "DynamoDB calls", "items read", "outcome"],
            sweep,
            [
                "One Query per shard of the DUE index (4) when idle. A due timer: claim (UpdateItem), its work (here",
                "a GetItem that finds the message sent), delete (DeleteItem). An expired item: one DeleteItem.",
            ],
        ),
    ]
    return tables
