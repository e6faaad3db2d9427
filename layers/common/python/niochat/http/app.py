"""The resolver every REST function uses, with the one exception handler that maps errors to responses, and CORS
for the console's origin when it is served from another one (CONSOLE_ORIGIN, niochat.settings.console_origin)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver
from aws_lambda_powertools.logging import correlation_paths

from niochat import settings
from niochat.errors import ApiError, NotFound
from niochat.tracing import LazyTracer

logger = Logger()
# Its capture_lambda_handler also flushes the invocation's business metrics (niochat.metrics).
tracer = LazyTracer()

JSON = "application/json"
# What the console may read of a response beyond the CORS-safelisted headers: the wait of a 429.
EXPOSED_HEADERS = ["Retry-After"]


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status_code=status,
        content_type=JSON,
        body=json.dumps(body, ensure_ascii=False, default=str),
        headers=headers,
    )


def no_content() -> Response:
    return Response(status_code=204, body="")


def error_response(error: ApiError) -> Response:
    return json_response(error.status, error.body(), error.headers or None)


# Browsers keep a preflight's answer this long (Chromium's ceiling; Firefox allows a day).
PREFLIGHT_MAX_AGE_SECONDS = 7200


def cors() -> CORSConfig | None:
    """Access-Control-Allow-Origin (and the allowed and exposed headers) on every response, error responses
    included, to a request whose Origin is the console's, and to no other origin; None without a console origin.
    The resolver answers preflights too (OPTIONS reaches the function through the gateway's ANY method): 204
    with the methods this function routes and the headers the API reads (Authorization, Content-Type)."""
    origin = settings.console_origin()
    if not origin:
        return None
    return CORSConfig(allow_origin=origin, expose_headers=EXPOSED_HEADERS, max_age=PREFLIGHT_MAX_AGE_SECONDS)


def answer_errors(app: ApiGatewayResolver, note: Callable[[ApiError], None], failure: str) -> None:
    """The exception handlers of every resolver: an ApiError is its own response (after `note` logs what the
    resolver wants seen of it), an unknown path the 404 of the seed's shape, any other error a 500 logged as
    `failure` with its traceback."""

    @app.exception_handler(ApiError)
    def _api_error(error: ApiError) -> Response:
        note(error)
        return error_response(error)

    @app.not_found
    def _not_found(_: Exception) -> Response:
        return error_response(NotFound("Endpoint não encontrado", {"path": app.current_event.path}))

    @app.exception_handler(Exception)
    def _bug(error: Exception) -> Response:
        logger.exception(failure)
        return json_response(500, {"error": "InternalError", "message": "Erro interno do servidor"})


def _upstream_failure(error: ApiError) -> None:
    if error.status >= 500:
        logger.warning("upstream or dependency failure", extra={"error": error.body()})


def create_app() -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(cors=cors())
    answer_errors(app, _upstream_failure, "unhandled error")
    return app


def lambda_handler_for(
    app: ApiGatewayResolver, correlation_id_path: str = correlation_paths.API_GATEWAY_REST
) -> Callable[[dict, Any], dict]:
    @logger.inject_lambda_context(correlation_id_path=correlation_id_path)
    @tracer.capture_lambda_handler
    def lambda_handler(event: dict, context: Any) -> dict:
        return app.resolve(event, context)

    return lambda_handler
