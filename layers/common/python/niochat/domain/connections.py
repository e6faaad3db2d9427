"""WebSocket connections: the stored item and its one constructor.

A connection keeps what the realtime audience rules need of its user (niochat.realtime.audience), as it
was at `$connect`: provedor, user, user type, permissions and teams.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

from niochat.domain.users import Principal


class Connection(TypedDict):
    """A connection as stored (the store adds the keys listing it by provedor and by user)."""

    connection_id: str
    provedor_id: NotRequired[int | None]  # None: a superadmin's
    user_id: int
    user_type: str
    permissions: list[str]
    team_ids: list[int]
    connected_at: int  # epoch seconds
    expires_at: int  # epoch seconds; API Gateway closes a connection by then
    # The session the connection was opened with: revoking it closes the connection (niochat.realtime.revocation).
    token_hash: NotRequired[str]


def new_connection(connection_id: str, caller: Principal, team_ids: list[int], now: int, ttl: int) -> Connection:
    return {
        "connection_id": connection_id,
        "provedor_id": caller.provedor_id,
        "user_id": caller.user_id,
        "user_type": str(caller.user_type),
        "permissions": sorted(caller.permissions),
        "team_ids": sorted(team_ids),
        "connected_at": now,
        "expires_at": now + ttl,
        "token_hash": caller.token_hash,
    }
