"""The timers: EventBridge's rate(1 minute) rule (the local stack's ticker) runs one sweep of due work."""

from __future__ import annotations

from typing import Any

from niochat.http.app import logger, tracer
from niochat.timers.sweep import sweep


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    result = sweep().as_dict()
    logger.info("sweep done", extra={"sweep": result, "scheduled_at": event.get("time")})
    return result
