"""WebSocket connections, findable by provedor and by user with a Query."""

from __future__ import annotations

from niochat.domain.connections import Connection
from niochat.store import due, keys
from niochat.store.table import Item, table
from niochat.store.writes import ConditionFailed, Delete, Put, field


def put(connection: Connection) -> Item:
    connection_id, provedor_id = connection["connection_id"], connection.get("provedor_id")
    pk, sk = keys.connection(connection_id)
    item = {
        **connection,
        "PK": pk,
        "SK": sk,
        "type": "ws_connection",
        "GSI1PK": keys.connections_of_provedor(provedor_id),
        "GSI1SK": connection_id,
        "GSI2PK": keys.connections_of_user(connection["user_id"]),
        "GSI2SK": connection_id,
    }
    item = due.expiring(item)  # the sweep deletes it once expired
    table().write(Put("connection", item))
    return item


def delete(connection_id: str) -> Item | None:
    """Forget the connection; the item it was (None: already gone)."""
    return table().write(Delete("connection", *keys.connection(connection_id)), returning="old")


def delete_if_connected_before(connection_id: str, cutoff: int) -> bool:
    """Delete the connection only if it was opened before `cutoff` (False: kept, or already gone)."""
    try:
        table().write(Delete("connection", *keys.connection(connection_id)).when(field("connected_at").lt(cutoff)))
    except ConditionFailed:
        return False
    return True


def of_provedor(provedor_id: int | None) -> list[Item]:
    return table().query_all(keys.connections_of_provedor(provedor_id), index="GSI1")


def of_user(user_id: int) -> list[Item]:
    return table().query_all(keys.connections_of_user(user_id), index="GSI2")
