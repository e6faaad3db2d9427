"""The local stack's stand-in for EventBridge's rate(1 minute) rule (moto never fires rules): every few
seconds (NIOCHAT_TIMER_SECONDS) it invokes the timers function with a scheduled event, one tick at a time."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from infra.lambda_runtime import scheduled_event

log = logging.getLogger(__name__)


class Ticker:
    def __init__(self, invoke: Callable[[dict[str, Any]], Any], every_seconds: float) -> None:
        self._invoke = invoke
        self.every_seconds = every_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="timers-ticker", daemon=True)
        self.ticks = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 70.0) -> None:
        """Stop ticking, letting a sweep under way finish (it stops itself within its budget)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.wait(self.every_seconds):
            try:
                result = self._invoke(scheduled_event())
                self.ticks += 1
                if isinstance(result, dict) and any(v for k, v in result.items() if k != "queries"):
                    log.info("timers: %s", {k: v for k, v in result.items() if v})
            except Exception:
                log.exception("the timers sweep failed (the next tick tries again)")
