"""The due index: what must happen at a given time, found by the timers' sweep (niochat.timers.sweep).

A sparse GSI (`DUE`): only items that are due carry its keys — `DUEPK` `DUE#<shard>` (SHARDS partitions, the
shard a hash of the item's key, so no single partition takes every write) and `DUESK` `<due time in ms,
13 digits>#<PK>#<SK>`. The sweep Queries each shard for `DUESK <= now`. Two kinds of item are due:

- **timers** (`P#<p>#TIMERS` / `<kind>#<ref>`, type `timer`): work to do later. Scheduling is a Put of a
  deterministic key, so scheduling again replaces the timer. A sweep claims a timer with a conditional
  update on the `DUESK` it read (two sweeps never both win), moving it to `running` with a lease: its `DUESK`
  becomes the lease's end, so a sweep that dies leaves the timer due again once the lease is over. The
  claimer deletes it when the work is done, conditional on still holding the lease (a timer scheduled again
  meanwhile stays).
- **short-lived items** (connections, tokens, failed-login windows, the event log, fact claims) carry their
  `expires_at` as their due time; the sweep deletes each once it is past, conditional on `expires_at` (an
  item whose expiry slid forward, like a used token, is moved in the index instead). No DynamoDB TTL.
"""

from __future__ import annotations

import contextlib
import secrets
import zlib
from collections.abc import Mapping
from typing import Any

from niochat.store import keys
from niochat.store.table import Item, Page, table
from niochat.store.writes import ConditionFailed, Delete, Put, Update, field

INDEX = "DUE"
SHARDS = 4
TIMER = "timer"
PENDING = "pending"
RUNNING = "running"
FAILED = "failed"


def shard_of(pk: str, sk: str) -> int:
    return zlib.crc32(f"{pk}|{sk}".encode()) % SHARDS


def due_sk(at: float, pk: str, sk: str) -> str:
    return f"{max(0, int(at * 1000)):013d}#{pk}#{sk}"


def due_keys(pk: str, sk: str, at: float) -> dict[str, str]:
    """The index keys that make the item at (pk, sk) due at `at` (epoch seconds)."""
    return {"DUEPK": f"DUE#{shard_of(pk, sk)}", "DUESK": due_sk(at, pk, sk)}


def expiring(item: Mapping[str, Any]) -> Item:
    """A short-lived item (with `expires_at`) that the sweep deletes once it has expired."""
    return {**item, **due_keys(item["PK"], item["SK"], float(item["expires_at"]))}


# -- timers ---------------------------------------------------------------------------------------------
def timer_key(provedor_id: int | None, kind: str, ref: str) -> tuple[str, str]:
    pk = f"{keys.tenant(provedor_id)}#TIMERS" if provedor_id is not None else "PLATFORM#TIMERS"
    return pk, f"{kind}#{ref}"


def schedule_op(
    provedor_id: int | None, kind: str, ref: str, at: float, args: Mapping[str, Any], label: str = "timer"
) -> Put:
    """A timer `kind` for `ref` at `at` (replacing any timer of that kind for that ref)."""
    pk, sk = timer_key(provedor_id, kind, ref)
    item = {"PK": pk, "SK": sk, "type": TIMER, "kind": kind, "ref": ref, "provedor_id": provedor_id,
            "args": dict(args), "due_at": at, "status": PENDING, "attempts": 0, **due_keys(pk, sk, at)}  # fmt: skip
    return Put(label, item)


def cancel_op(provedor_id: int | None, kind: str, ref: str, label: str = "cancelled_timer") -> Delete:
    return Delete(label, *timer_key(provedor_id, kind, ref))


def get_timer(provedor_id: int | None, kind: str, ref: str) -> Item | None:
    return table().get(*timer_key(provedor_id, kind, ref), consistent=True)


def claim(seen: Item, now: float, lease_seconds: float) -> Item | None:
    """Take the timer as it was read from the index for `lease_seconds`; None when another sweep took it,
    it was scheduled again, or it is gone."""
    lease, until = secrets.token_hex(8), now + lease_seconds
    op = (
        Update("timer", seen["PK"], seen["SK"])
        .set("status", RUNNING)
        .set("lease", lease)
        .set("lease_until", until)
        .set("DUESK", due_sk(until, seen["PK"], seen["SK"]))
        .add("attempts", 1)
        .when_exists()
        .when(field("DUESK").eq(seen["DUESK"]))
    )
    try:
        return table().write(op, returning="new")
    except ConditionFailed:
        return None


def finish(timer: Item) -> bool:
    """The work is done: delete the timer unless it was scheduled again (or re-claimed) meanwhile."""
    try:
        table().write(Delete("timer", timer["PK"], timer["SK"]).when(field("lease").eq(timer["lease"])))
    except ConditionFailed:
        return False
    return True


def give_up(timer: Item, reason: str) -> None:
    """Stop retrying a timer whose work kept failing: kept (`failed`, out of the index) for inspection."""
    op = (
        Update("timer", timer["PK"], timer["SK"])
        .set("status", FAILED)
        .set("error", reason[:500])
        .remove("DUEPK")
        .remove("DUESK")
        .when(field("lease").eq(timer["lease"]))
    )
    with contextlib.suppress(ConditionFailed):  # scheduled again meanwhile: the new timer stands
        table().write(op)


# -- the sweep's reads and short-lived items ---------------------------------------------------------------
def due(shard: int, now: float, limit: int, start_key: dict[str, Any] | None = None) -> Page:
    """Items of `shard` due at or before `now`, soonest first (one Query)."""
    return table().query(
        f"DUE#{shard}",
        index=INDEX,
        sk_condition="#sk <= :now",
        values={":now": f"{int(now * 1000):013d}~"},
        limit=limit,
        start_key=start_key,
    )


def expire(seen: Item, now: float) -> str:
    """Delete a short-lived item that has expired: "expired"; "moved" when its expiry slid forward (the
    index now says when); "gone" when someone else deleted it first."""
    op = Delete("expired", seen["PK"], seen["SK"]).when_exists().when(field("expires_at").lte(int(now)))
    try:
        table().write(op)
        return "expired"
    except ConditionFailed as failed:
        current = failed.item("expired")
    if current is None or "expires_at" not in current:
        return "gone"
    later = float(current["expires_at"])
    move = (
        Update("expired", seen["PK"], seen["SK"])
        .set_all(due_keys(seen["PK"], seen["SK"], later))
        .when(field("expires_at").eq(current["expires_at"]))
    )
    # A failure: it changed again meanwhile, and the next sweep that finds it looks again.
    with contextlib.suppress(ConditionFailed):
        table().write(move)
    return "moved"
