"""WebSocket API routes ($connect, $disconnect, $default) and the table's stream (realtime fan-out)."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from niochat.errors import ApiError
from niochat.http.app import logger, tracer
from niochat.realtime import connections, stream
from niochat.store.table import table

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def _image(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    return table().codec.load(raw) if raw else None


def record_handler(record: DynamoDBRecord) -> None:
    change = record.raw_event.get("dynamodb") or {}
    stream.handle_change(
        record.event_id or change.get("SequenceNumber", ""),
        record.event_name.name if record.event_name else "",
        _image(change.get("OldImage")),
        _image(change.get("NewImage")),
    )


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


def _stream(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A batch of stream records: each record's failure is reported on its own (batchItemFailures)."""
    stream.begin_batch(event["Records"])
    try:
        return process_partial_response(event, record_handler, processor, context)
    finally:
        stream.end_batch()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if "Records" in event:
        return _stream(event, context)
    return _route(event)
