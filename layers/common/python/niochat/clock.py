"""Time, in one place so tests can move it."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def now() -> float:
    return time.time()


def iso(timestamp: float | None = None) -> str:
    """ISO 8601 in UTC with microseconds, e.g. 2026-11-27T12:00:00.123456Z."""
    moment = datetime.fromtimestamp(now() if timestamp is None else timestamp, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
