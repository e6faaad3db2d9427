"""API tokens, stored only as a SHA-256 hash, each carrying a snapshot of its user's session fields."""

from __future__ import annotations

import contextlib

from niochat.store import due, keys
from niochat.store.table import Item, table
from niochat.store.writes import ConditionFailed, Delete, Put, Update


def put(token_hash: str, session: Item, now: int) -> None:
    pk, sk = keys.token(token_hash)
    timeout_seconds = int(session["session_timeout"]) * 60
    item = {
        **session,
        "PK": pk,
        "SK": sk,
        "type": "token",
        "created_at": now,
        "last_used_at": now,
        "expires_at": now + timeout_seconds,
        "GSI1PK": keys.tokens_of_user(session["user_id"]),
        "GSI1SK": token_hash,
        "GSI2PK": keys.tokens_of_provedor(session.get("provedor_id")),
        "GSI2SK": token_hash,
    }
    # The sweep deletes it once expired (or moves it in the index when it slid forward).
    table().write(Put("token", due.expiring(item)))


def get(token_hash: str) -> Item | None:
    # Consistent, so that a logout is seen by the very next request.
    return table().get(*keys.token(token_hash), consistent=True)


def get_many(token_hashes: list[str]) -> list[Item]:
    """The tokens of these hashes that exist (one BatchGetItem per 100; eventually consistent)."""
    return table().batch_get([keys.token(token_hash) for token_hash in token_hashes])


def touch(token_hash: str, now: int, timeout_minutes: int) -> None:
    """Slide the idle window forward; never brings back a token deleted meanwhile."""
    op = Update("token", *keys.token(token_hash)).set("last_used_at", now).set("expires_at", now + timeout_minutes * 60)
    with contextlib.suppress(ConditionFailed):  # a concurrent logout won the race: nothing to slide
        table().write(op.when_exists())


def delete(token_hash: str) -> None:
    table().write(Delete("token", *keys.token(token_hash)))


def hashes_of_user(user_id: int) -> list[str]:
    return [item["GSI1SK"] for item in table().query_all(keys.tokens_of_user(user_id), index="GSI1")]


def hashes_of_provedor(provedor_id: int) -> list[str]:
    return [item["GSI2SK"] for item in table().query_all(keys.tokens_of_provedor(provedor_id), index="GSI2")]


def update_session(token_hash: str, session: Item) -> None:
    with contextlib.suppress(ConditionFailed):  # the token was deleted meanwhile
        table().write(Update("token", *keys.token(token_hash)).set_all(session).when_exists())
