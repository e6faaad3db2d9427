"""WebSocket connection lifecycle.

`$connect` stores, with the connection, what the audience rules need: provedor, user, user type,
permissions and the user's teams — a snapshot taken at connect — and the session's token hash. A revoked or
changed session closes its connections (niochat.realtime.revocation); a change to the user's teams applies
from their next connection; `GET /api/events/` always uses the current ones.
"""

from __future__ import annotations

from typing import Any

from niochat import clock
from niochat.auth.sessions import authenticate
from niochat.domain.connections import new_connection
from niochat.store import connections

# API Gateway closes a WebSocket connection after 2 hours at most.
CONNECTION_TTL_SECONDS = 2 * 60 * 60


def connect(connection_id: str, raw_token: str | None) -> dict[str, Any]:
    """Authenticate the `?token=` of a new connection and remember who it belongs to."""
    caller = authenticate(raw_token)
    team_ids: list[int] = []
    if caller.provedor_id is not None and not caller.is_admin:
        from niochat.conversations.service import viewer_for

        team_ids = sorted(viewer_for(caller, caller.provedor_id).team_ids)
    return connections.put(new_connection(connection_id, caller, team_ids, int(clock.now()), CONNECTION_TTL_SECONDS))


def disconnect(connection_id: str) -> None:
    connections.delete(connection_id)
