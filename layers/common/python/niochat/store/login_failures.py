"""Failed-login counters in fixed windows, expired by TTL."""

from __future__ import annotations

from niochat.store import keys
from niochat.store.table import table


def count(login: str, window_start: int) -> int:
    item = table().get(*keys.login_failures(login, window_start), consistent=True)
    return int(item["n"]) if item else 0


def add(login: str, window_start: int, expires_at: int) -> int:
    item = table().update(
        *keys.login_failures(login, window_start),
        "ADD #n :one SET expires_at = :exp, #type = :type",
        {":one": 1, ":exp": expires_at, ":type": "login_failures"},
        {"#n": "n", "#type": "type"},
        return_values="UPDATED_NEW",
    )
    return int(item["n"])
