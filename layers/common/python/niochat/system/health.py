"""Health: does the table answer, does the bucket answer. The endpoint is public: a failing check says which
dependency and the error's code, never the error's text (it is logged)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger

from niochat import clock
from niochat.settings import get_settings
from niochat.store import clients
from niochat.store.table import table

logger = Logger(child=True)


def _probe(check: Callable[[], object]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        check()
    except Exception as error:  # any failure of a dependency is what this endpoint reports
        code = getattr(error, "response", {}).get("Error", {}).get("Code") or type(error).__name__
        logger.warning("health check failed", extra={"error": code, "detail": str(error)[:300]})
        return {"status": "error", "error": code}
    return {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 1)}


def check() -> dict[str, Any]:
    settings = get_settings()
    checks = {
        "table": _probe(lambda: table().get("HEALTH", "HEALTH")),
        "bucket": _probe(lambda: clients.s3().head_bucket(Bucket=settings.media_bucket)),
    }
    healthy = all(c["status"] == "ok" for c in checks.values())
    report: dict[str, Any] = {
        "status": "ok" if healthy else "unavailable",
        "time": clock.iso(),
        "checks": checks,
    }
    if not healthy:
        failing = sorted(name for name, c in checks.items() if c["status"] != "ok")
        report.update(
            error="ServiceUnavailable",
            message="Serviço indisponível: " + ", ".join(failing),
            details={"failing": failing},
        )
    return report
