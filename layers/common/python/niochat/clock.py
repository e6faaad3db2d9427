"""Time, in one place so tests can move it: in-process tests patch `now`; the local stack, a process of its
own, reads the file `NIOCHAT_CLOCK_OFFSET_FILE` names (never set on AWS): an offset in seconds added to the
real time, or `@<seconds since the epoch>` for a clock stopped at that instant (a scripted test's steps)."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime


def _moved(real: float) -> float:
    path = os.environ.get("NIOCHAT_CLOCK_OFFSET_FILE")
    if not path:
        return real
    try:
        with open(path) as file:
            text = file.read().strip()
        return float(text[1:]) if text.startswith("@") else real + float(text or 0)
    except (OSError, ValueError):
        return real


def now() -> float:
    return _moved(time.time())


def epoch(stored: str) -> float:
    """A stored time (`iso()`'s format, or any ISO 8601 with Z) as seconds since the epoch."""
    return datetime.fromisoformat(stored.replace("Z", "+00:00")).timestamp()


def iso(timestamp: float | None = None) -> str:
    """ISO 8601 in UTC with microseconds, e.g. 2026-11-27T12:00:00.123456Z."""
    moment = datetime.fromtimestamp(now() if timestamp is None else timestamp, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
