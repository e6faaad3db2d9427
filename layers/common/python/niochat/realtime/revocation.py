"""Revocation reaches live sockets: a listener on the stream closes the WebSocket connections opened with a
session that has ended or changed.

Every revocation is a write to the session's token item (niochat.auth.sessions): logout, deactivation and a
password change delete it, a change of user type or permissions rewrites its session snapshot, a suspension
sets `provedor_active` false. So the listener watches tokens: a removed token, or one whose snapshot changed
(not its last use), closes the connections opened with it — through the management API, and their items are
deleted. A client that still holds a valid token reconnects and gets its new rights; a revoked one cannot.
The fan-out also re-checks the sessions of the connections it posts to (niochat.realtime.listener), so a
close that failed cannot leak events.
"""

from __future__ import annotations

import contextlib

from aws_lambda_powertools import Logger

from niochat.reactions.change import Change
from niochat.reactions.pipeline import Batch
from niochat.realtime import fanout
from niochat.store import connections
from niochat.store.table import Item

logger = Logger(child=True)
# Fields of a token item that move with use, not with the session's rights.
USE_FIELDS = frozenset({"last_used_at", "expires_at", "DUEPK", "DUESK"})


def revoked(change: Change) -> bool:
    """Whether this change to a token ends or changes the session its connections were opened with."""
    if change.removed:
        return True
    if change.old is None or change.new is None:
        return False  # a new token: nothing was opened with it yet
    before = {k: v for k, v in change.old.items() if k not in USE_FIELDS}
    after = {k: v for k, v in change.new.items() if k not in USE_FIELDS}
    return before != after


def close(connection: Item) -> None:
    """Close one connection (a 410: it was gone already) and delete its item."""
    api = fanout.management_api()
    with contextlib.suppress(api.exceptions.GoneException):
        api.delete_connection(ConnectionId=connection["connection_id"])
    connections.delete(connection["connection_id"])


class RevocationListener:
    name = "revocation"
    kinds = frozenset({"token"})

    def prepare(self, batch: Batch) -> None:
        return None  # revocations are rare: each reads its user's connections when it happens

    def handle(self, change: Change, batch: Batch) -> None:
        if not revoked(change):
            return
        token = change.item
        token_hash, user_id = token.get("GSI1SK"), token.get("user_id")
        if not token_hash or user_id is None:
            return
        for connection in connections.of_user(int(user_id)):
            if connection.get("token_hash") == token_hash:
                close(connection)
                logger.info(
                    "connection closed: its session was revoked or changed",
                    extra={"connection_id": connection["connection_id"], "user_id": user_id},
                )
