"""The URLs of the request being handled, as the client called them (absolute links are built on them).
Apart from pagination so that a function that builds links but validates nothing doesn't import pydantic."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver


def base_url(app: APIGatewayRestResolver) -> str:
    """The URL of this request without its query string, as the client called it (stage included)."""
    event = app.current_event
    headers = {k.lower(): v for k, v in (event.headers or {}).items()}
    proto = headers.get("x-forwarded-proto", "https")
    host = headers.get("host", "localhost")
    path = event.request_context.path or event.path
    return f"{proto}://{host}{path}"


def api_root(app: APIGatewayRestResolver) -> str:
    """scheme://host[/stage]: what the client put before /api/... (absolute URLs are built on it)."""
    url, path = base_url(app), app.current_event.path
    return url[: -len(path)] if path and url.endswith(path) else url.split("/api/", 1)[0]
