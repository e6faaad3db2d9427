"""One sweep of the due index: claim each due timer (a lease), run it, delete it; delete expired items.

Run every minute by EventBridge on AWS (the timers function, reserved concurrency 1) and every few seconds by
the local stack's ticker. Overlapping sweeps are safe: a timer is claimed with a conditional update, so only
one sweep runs it; a sweep that dies leaves its timers to the first sweep after their lease. A sweep stops
after `budget_seconds` or `max_items`; what is left is due still and the next sweep takes it.

Counted by kind (niochat.metrics): work done, work given up, and work late — a timer whose first run began more
than LATE_SECONDS after it was due (sweeps missed or running behind; a retry after a failure is not "late").
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from aws_lambda_powertools import Logger

from niochat import clock, metrics
from niochat.store import due
from niochat.store.table import Item
from niochat.timers.kinds import HANDLERS

logger = Logger(child=True)

# Longer than the timers function's timeout (60 s): a lease never ends while its sweep may still be working.
LEASE_SECONDS = 90
MAX_ATTEMPTS = 5
PAGE = 100
# Two sweeps (a minute apart) missed.
LATE_SECONDS = 120


@dataclass
class SweepResult:
    queries: int = 0
    # Timers run to the end, lost to another sweep, failed (retried after the lease), given up on.
    done: int = 0
    lost: int = 0
    failed: int = 0
    given_up: int = 0
    # Short-lived items deleted, moved (their expiry slid forward), already gone.
    expired: int = 0
    moved: int = 0
    gone: int = 0
    # True when the sweep stopped on its budget with due items left.
    more: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def sweep(now: float | None = None, budget_seconds: float = 40.0, max_items: int = 1000) -> SweepResult:
    """Do what is due at `now` (default: the clock)."""
    at = clock.now() if now is None else now
    started = time.monotonic()
    result = SweepResult()
    seen = 0
    for shard in range(due.SHARDS):
        start: dict[str, Any] | None = None
        while True:
            if seen >= max_items or time.monotonic() - started > budget_seconds:
                result.more = True
                return result
            page = due.due(shard, at, PAGE, start)
            result.queries += 1
            for item in page.items:
                seen += 1
                if item.get("type") == due.TIMER:
                    _run(item, at, result)
                else:
                    outcome = due.expire(item, at)
                    setattr(result, outcome, getattr(result, outcome) + 1)
            if page.last_key is None:
                break
            start = page.last_key
    return result


def _run(seen: Item, now: float, result: SweepResult) -> None:
    timer = due.claim(seen, now, LEASE_SECONDS)
    if timer is None:
        result.lost += 1
        return
    context = {"kind": timer.get("kind"), "ref": timer.get("ref"), "provedor_id": timer.get("provedor_id")}
    handler = HANDLERS.get(str(timer.get("kind")))
    kind = str(timer.get("kind")) if handler is not None else "unknown"  # metric dimensions: known words only
    if int(timer.get("attempts") or 1) == 1 and now - float(timer.get("due_at") or now) > LATE_SECONDS:
        metrics.count(metrics.TIMER_WORK_LATE, kind=kind)
    if handler is None:
        logger.error("a timer of an unknown kind", extra=context)
        due.give_up(timer, f"unknown kind {timer.get('kind')!r}")
        result.given_up += 1
        metrics.count(metrics.TIMER_WORK_GIVEN_UP, kind=kind)
        return
    try:
        handler(int(timer["provedor_id"]), timer.get("args") or {})
    except Exception as error:  # any failure of the work: retried after the lease, up to MAX_ATTEMPTS
        attempts = int(timer.get("attempts") or 1)
        if attempts >= MAX_ATTEMPTS:
            logger.exception("a timer failed for the last time; given up", extra={**context, "attempts": attempts})
            due.give_up(timer, f"{type(error).__name__}: {error}")
            result.given_up += 1
            metrics.count(metrics.TIMER_WORK_GIVEN_UP, kind=kind)
        else:
            logger.warning("a timer failed; retried after its lease", extra={**context, "attempts": attempts},
                           exc_info=True)  # fmt: skip
            result.failed += 1
        return
    due.finish(timer)
    result.done += 1
    metrics.count(metrics.TIMER_WORK_DONE, kind=kind)
