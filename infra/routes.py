"""The one route table: which function owns which path. The CDK stack builds API Gateway from it and the
local stack serves from it, so a route is never listed twice.

A function is the folder `functions/<name>/` whose `app.py` defines `lambda_handler`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RestGroup:
    function: str
    # Path prefixes (no trailing slash) under which the function owns every path and method.
    prefixes: tuple[str, ...]


# REST API (API Gateway REST, proxy integration). Longest prefix wins.
REST_GROUPS: tuple[RestGroup, ...] = (
    RestGroup("system", ("/api/health", "/api/changelog")),
    RestGroup("auth", ("/api/auth",)),
    RestGroup("contacts", ("/api/contacts",)),
    RestGroup("inboxes", ("/api/inboxes",)),
    RestGroup("teams", ("/api/teams", "/api/team-members")),
    RestGroup("conversations", ("/api/conversations",)),
    RestGroup("audit", ("/api/audit-logs",)),
    RestGroup("directory", ("/api/provedores", "/api/users")),
    RestGroup("events", ("/api/events",)),
    RestGroup("messages", ("/api/messages",)),
    RestGroup("media", ("/api/media", "/api/uazapi/file")),
    RestGroup("csat", ("/api/csat",)),
    RestGroup("reports", ("/api/dashboard", "/api/dashboard-stats", "/api/analysis", "/api/test-analysis")),
    RestGroup(
        "chat",
        (
            "/api/internal-chat",
            "/api/internal-chat-unread-count",
            "/api/internal-chat-unread-by-user",
            "/api/private-messages",
            "/api/private-unread-counts",
        ),
    ),
    RestGroup("integrations", ("/api/integrations",)),
    RestGroup("recovery", ("/api/recovery",)),
    # The AI assistant: its trial endpoint here, its answers to customers from the stream (ASSISTANT_FUNCTION).
    RestGroup("ai", ("/api/atendimento/ia",)),
    # The contract: OpenAPI document and Swagger UI (no auth).
    RestGroup("docs", ("/api/openapi.json", "/api/docs")),
)

# Provider webhooks: served by the webhooks function through a Lambda Function URL on AWS.
WEBHOOK_FUNCTION = "webhooks"
WEBHOOK_PATHS: tuple[str, ...] = ("/webhook/evolution-uazapi", "/webhooks/evolution-uazapi")

# WebSocket API ($connect, $disconnect, $default).
WEBSOCKET_FUNCTION = "ws"
WEBSOCKET_PATH = "/ws/dashboard"
# The table's stream (niochat.reactions: its listeners) and the timers' sweep (EventBridge every minute).
STREAM_FUNCTION = "stream"
TIMERS_FUNCTION = "timers"
# The AI assistant also reads the stream, through its own event source mapping (infra.stream_filter: new
# customer messages only), so a slow model never delays the realtime events.
ASSISTANT_FUNCTION = "ai"


def functions() -> tuple[str, ...]:
    """Every function folder, in a stable order."""
    names = [group.function for group in REST_GROUPS] + [
        WEBHOOK_FUNCTION,
        WEBSOCKET_FUNCTION,
        STREAM_FUNCTION,
        TIMERS_FUNCTION,
    ]
    return tuple(dict.fromkeys(names))


def rest_function_for(path: str) -> str | None:
    """The function that owns `path`, by longest matching prefix on segment boundaries."""
    best: tuple[int, str] | None = None
    for group in REST_GROUPS:
        for prefix in group.prefixes:
            if (path == prefix or path.startswith(prefix + "/")) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), group.function)
    return best[1] if best else None


def webhook_function_for(path: str) -> str | None:
    normalized = path.rstrip("/")
    return WEBHOOK_FUNCTION if normalized in WEBHOOK_PATHS else None
