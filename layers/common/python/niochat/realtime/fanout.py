"""Posting events to connections through the API Gateway management API.

- A frame stays under API Gateway's 32 KB WebSocket frame: a larger event is sent as a reference
  (`data.truncated`, `data.url`) that the client fetches over REST.
- A gone connection (410) is deleted — exactly that one — unless it was opened in the last
  CONNECT_GRACE_SECONDS: API Gateway also answers 410 while `$connect` is still running, and deleting the
  item then would leave a live connection without events. The others still get the event.
- Any other failure to post to one connection is logged and never stops the others or fails the batch.
- Posts, gone connections and other failures are counted (niochat.metrics: FanoutPosts, GoneConnections,
  FanoutPostFailures).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools import Logger

from niochat import clock, metrics
from niochat.realtime.log import reference_data
from niochat.settings import get_settings
from niochat.store import clients, connections

logger = Logger(child=True)

MAX_FRAME_BYTES = 32 * 1024
CONNECT_GRACE_SECONDS = 30


@dataclass
class FanoutResult:
    delivered: int = 0
    # 410 and deleted.
    gone: list[str] = field(default_factory=list)
    # 410 but kept: opened moments ago (or already removed).
    kept: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":")).encode()


def frame(event: dict[str, Any]) -> bytes:
    """The event as one WebSocket frame: itself, or a reference when it would exceed MAX_FRAME_BYTES."""
    payload = _dumps(event)
    if len(payload) <= MAX_FRAME_BYTES:
        return payload
    return _dumps({**event, "data": reference_data(event.get("data") or {}, int(event.get("seq") or 0))})


def management_api() -> Any:
    return clients.management_api(get_settings().websocket_endpoint)


def post(deliveries: list[tuple[str, bytes]]) -> FanoutResult:
    """Post each (connection id, frame); see the module docstring for failures."""
    result = FanoutResult()
    if not deliveries:
        return result
    api = management_api()
    for connection_id, payload in deliveries:
        try:
            api.post_to_connection(ConnectionId=connection_id, Data=payload)
            result.delivered += 1
        except api.exceptions.GoneException:
            cutoff = int(clock.now()) - CONNECT_GRACE_SECONDS
            if connections.delete_if_connected_before(connection_id, cutoff):
                result.gone.append(connection_id)
            else:
                result.kept.append(connection_id)
        except Exception:  # any failure of one post (throttling, a 5xx, a timeout) must not stop the others
            logger.exception("post_to_connection failed", extra={"connection_id": connection_id})
            result.failed.append(connection_id)
    metrics.count(metrics.FANOUT_POSTS, result.delivered)
    metrics.count(metrics.GONE_CONNECTIONS, len(result.gone))
    metrics.count(metrics.FANOUT_POST_FAILURES, len(result.failed))
    return result


def send(event: dict[str, Any], targets: list[dict[str, Any]]) -> FanoutResult:
    """Post one event to each target connection item (the same frame for all)."""
    payload = frame(event)
    return post([(target["connection_id"], payload) for target in targets])
