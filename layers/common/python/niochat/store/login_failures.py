"""Failed-login counters in fixed windows, deleted by the sweep once their window is over (niochat.store.due)."""

from __future__ import annotations

from niochat.store import due, keys
from niochat.store.table import table


def count(login: str, window_start: int) -> int:
    item = table().get(*keys.login_failures(login, window_start), consistent=True)
    return int(item["n"]) if item else 0


def add(login: str, window_start: int, expires_at: int) -> int:
    pk, sk = keys.login_failures(login, window_start)
    index = due.due_keys(pk, sk, expires_at)
    item = table().update(
        pk,
        sk,
        "ADD #n :one SET expires_at = :exp, #type = :type, DUEPK = :duepk, DUESK = :duesk",
        {":one": 1, ":exp": expires_at, ":type": "login_failures", ":duepk": index["DUEPK"], ":duesk": index["DUESK"]},
        {"#n": "n", "#type": "type"},
        return_values="UPDATED_NEW",
    )
    return int(item["n"])
