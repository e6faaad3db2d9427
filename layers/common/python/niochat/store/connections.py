"""WebSocket connections, findable by provedor and by user with a Query."""

from __future__ import annotations

from niochat.store import keys
from niochat.store.table import Item, table


def put(connection_id: str, provedor_id: int | None, user_id: int, user_type: str, now: int, ttl: int) -> Item:
    pk, sk = keys.connection(connection_id)
    item = {
        "PK": pk,
        "SK": sk,
        "type": "ws_connection",
        "connection_id": connection_id,
        "provedor_id": provedor_id,
        "user_id": user_id,
        "user_type": user_type,
        "connected_at": now,
        "expires_at": now + ttl,
        "GSI1PK": keys.connections_of_provedor(provedor_id),
        "GSI1SK": connection_id,
        "GSI2PK": keys.connections_of_user(user_id),
        "GSI2SK": connection_id,
    }
    table().put(item)
    return item


def delete(connection_id: str) -> Item | None:
    return table().delete(*keys.connection(connection_id))


def of_provedor(provedor_id: int | None) -> list[Item]:
    return table().query_all(keys.connections_of_provedor(provedor_id), index="GSI1")


def of_user(user_id: int) -> list[Item]:
    return table().query_all(keys.connections_of_user(user_id), index="GSI2")
