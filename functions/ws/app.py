"""WebSocket API routes: $connect, $disconnect and $default (the table's stream has its own function)."""

from __future__ import annotations

import json
from typing import Any

from niochat.errors import ApiError
from niochat.http.app import logger, tracer
from niochat.realtime import connections


def _reply(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "body": json.dumps(body, ensure_ascii=False)}


def _route(event: dict[str, Any]) -> dict[str, Any]:
    context = event["requestContext"]
    route, connection_id = context["routeKey"], context["connectionId"]
    if route == "$connect":
        token = (event.get("queryStringParameters") or {}).get("token")
        try:
            connections.connect(connection_id, token)
        except ApiError as error:
            return _reply(error.status, error.body())
        return _reply(200, {"type": "connected"})
    if route == "$disconnect":
        connections.disconnect(connection_id)
        return _reply(200, {"type": "disconnected"})
    try:
        message = json.loads(event.get("body") or "{}")
    except ValueError:
        message = None
    if isinstance(message, dict) and message.get("action") == "ping":
        return _reply(200, {"type": "pong"})
    return _reply(400, {"type": "error", "error": "ValidationError", "message": "Ação desconhecida"})


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return _route(event)
