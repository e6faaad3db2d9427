"""Posting one event to many connections through the API Gateway management API."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools import Logger

from niochat.settings import get_settings
from niochat.store import clients, connections

logger = Logger(child=True)


@dataclass
class FanoutResult:
    delivered: int = 0
    gone: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def send(event: dict[str, Any], targets: list[dict[str, Any]]) -> FanoutResult:
    """Post `event` to each target connection. A gone connection (410) is deleted; a failure to post to one
    connection is logged and never stops the others."""
    result = FanoutResult()
    if not targets:
        return result
    api = clients.management_api(get_settings().websocket_endpoint)
    payload = json.dumps(event, ensure_ascii=False, default=str).encode()
    for target in targets:
        connection_id = target["connection_id"]
        try:
            api.post_to_connection(ConnectionId=connection_id, Data=payload)
            result.delivered += 1
        except api.exceptions.GoneException:
            connections.delete(connection_id)
            result.gone.append(connection_id)
        except Exception:
            logger.exception("post_to_connection failed", extra={"connection_id": connection_id})
            result.failed.append(connection_id)
    return result
