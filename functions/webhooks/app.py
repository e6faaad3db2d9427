"""WhatsApp provider webhooks (Uazapi, Evolution API), behind a Lambda Function URL (payload v2.0):
POST /webhook/evolution-uazapi/ and the legacy POST /webhooks/evolution-uazapi/."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import LambdaFunctionUrlResolver, Response
from aws_lambda_powertools.logging import correlation_paths

from niochat.errors import ApiError, NotFound
from niochat.http import request
from niochat.http.app import error_response, json_response
from niochat.tracing import LazyTracer
from niochat.webhooks import service

logger = Logger()
tracer = LazyTracer()
app = LambdaFunctionUrlResolver()
PATHS = ("/webhook/evolution-uazapi", "/webhooks/evolution-uazapi")


def _receive() -> Response:
    event = app.current_event
    headers = event.headers or {}
    secret = (event.query_string_parameters or {}).get("secret") or headers.get("x-webhook-secret")
    header_token = headers.get("apikey") or headers.get("token")
    return json_response(200, service.handle(request.json_object(app), secret, header_token))


for _path in PATHS:
    app.post(_path)(_receive)
    app.post(_path + "/")(_receive)


@app.exception_handler(ApiError)
def _api_error(error: ApiError) -> Response:
    if error.status == 401:
        logger.warning("webhook refused", extra={"path": app.current_event.path})
    return error_response(error)


@app.not_found
def _not_found(_: Exception) -> Response:
    return error_response(NotFound("Endpoint não encontrado", {"path": app.current_event.path}))


@app.exception_handler(Exception)
def _bug(error: Exception) -> Response:
    # A 5xx makes the provider deliver again; every write of a delivery is idempotent.
    logger.exception("webhook delivery failed")
    return json_response(500, {"error": "InternalError", "message": "Erro interno do servidor"})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.LAMBDA_FUNCTION_URL)
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: Any) -> dict:
    return app.resolve(event, context)
