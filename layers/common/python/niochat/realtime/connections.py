"""WebSocket connection lifecycle."""

from __future__ import annotations

from niochat import clock
from niochat.auth.service import authenticate
from niochat.store import connections

CONNECTION_TTL_SECONDS = 2 * 60 * 60


def connect(connection_id: str, raw_token: str | None) -> dict:
    """Authenticate the `?token=` of a new connection and remember who it belongs to."""
    caller = authenticate(raw_token)
    return connections.put(
        connection_id,
        provedor_id=caller.provedor_id,
        user_id=caller.user_id,
        user_type=str(caller.user_type),
        now=int(clock.now()),
        ttl=CONNECTION_TTL_SECONDS,
    )


def disconnect(connection_id: str) -> None:
    connections.delete(connection_id)
