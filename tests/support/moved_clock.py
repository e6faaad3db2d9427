"""niochat.clock.now() stopped, and moved only by the test."""

from __future__ import annotations

import time

import pytest

from niochat import clock


class MovedClock:
    """Stopped at `at` (the real time by default) until the test moves it: `forward(seconds)` or `at = ...`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, at: float | None = None) -> None:
        self.at = time.time() if at is None else at
        monkeypatch.setattr(clock, "now", lambda: self.at)

    def forward(self, seconds: float) -> float:
        self.at += seconds
        return self.at
