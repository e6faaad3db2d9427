"""Table changes (stream records) → the seed's WebSocket events → the audience's connections."""

from __future__ import annotations

from typing import Any

from niochat.realtime import fanout
from niochat.store import connections


def handle_change(event_name: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
    """React to one table change. Unknown item types are ignored."""
    item = new or old or {}
    if item.get("type") == "ws_connection":
        _user_status(event_name, item)


def _user_status(event_name: str, connection: dict[str, Any]) -> None:
    """`online` at a user's first connection, `offline` once the last one closes."""
    user_id = int(connection["user_id"])
    open_connections = connections.of_user(user_id)
    if event_name == "INSERT" and len(open_connections) == 1:
        status = "online"
    elif event_name == "REMOVE" and not open_connections:
        status = "offline"
    else:
        return
    event = {"type": "user_status", "data": {"user_id": user_id, "status": status}}
    audience = [c for c in connections.of_provedor(connection.get("provedor_id")) if c["user_id"] != user_id]
    fanout.send(event, audience)
