"""WebSocket API routes ($connect, $disconnect, $default) and the table's stream (realtime fan-out)."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from niochat.errors import ApiError
from niochat.http.app import logger, tracer
from niochat.realtime import connections, stream

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def record_handler(record: DynamoDBRecord) -> None:
    stream.handle_change(record.event_name.name, record.dynamodb.old_image, record.dynamodb.new_image)


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
    if "Records" in event:
        return process_partial_response(event, record_handler, processor, context)
    return _route(event)
