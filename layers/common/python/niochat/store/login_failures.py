"""Login budgets (niochat.auth.limits decides, niochat.domain.login_limits holds the rules): every attempt is
counted by one conditional UpdateItem before its password is checked, so parallel requests can never count
past a budget. Items are short-lived: the sweep deletes them once `expires_at` has passed (niochat.store.due).

- an account's budget (`keys.login_budget_of_user` / `keys.login_budget_of_name`): `n` attempts in the window
  ending at `ends`, `locked_until` (0: not locked), `strikes`; `expires_at` = `ends`;
- a source address's budget (`keys.login_budget_of_ip`): `n` failed attempts in one fixed window.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from niochat.store import due
from niochat.store.table import Item, table
from niochat.store.writes import ConditionFailed, Delete, Put, Update, field

KIND = "login_budget"
Key = tuple[str, str]


def _expiring(update: Update, key: Key, expires_at: int) -> Update:
    return update.set("expires_at", expires_at).set_all(due.due_keys(key[0], key[1], expires_at))


# -- an account's budget --------------------------------------------------------------------------------
def count(key: Key, now: int, attempts: int) -> tuple[bool, Item | None]:
    """Count one attempt in the live, unlocked, unspent window: (True, None); else (False, the item found,
    None when there is none) and nothing is written."""
    op = (
        Update("budget", *key)
        .add("n", 1)
        .when_exists()
        .when(field("ends").gt(now), field("n").lt(attempts), field("locked_until").lte(now))
    )
    try:
        table().write(op)
    except ConditionFailed as failed:
        return False, failed.item("budget")
    return True, None


def _as_found(op: Put | Update, found: Mapping[str, Any] | None) -> Put | Update:
    """Apply only if the budget is still as `found` (absent when None): two requests never both open or lock."""
    if found is None:
        return op.when_absent()
    return op.when(*(field(name).eq(found.get(name, 0)) for name in ("ends", "n", "locked_until")))


def open_window(key: Key, found: Mapping[str, Any] | None, now: int, ends: int, about: Mapping[str, Any]) -> bool:
    """A new window holding this attempt (n = 1, no strikes); False when another request changed it first."""
    item = {"PK": key[0], "SK": key[1], "type": KIND, **about, "n": 1, "ends": ends, "locked_until": 0,
            "strikes": 0, "created_at": now, "expires_at": ends, **due.due_keys(key[0], key[1], ends)}  # fmt: skip
    try:
        table().write(_as_found(Put("budget", item), found))
    except ConditionFailed:
        return False
    return True


def lock(key: Key, found: Mapping[str, Any], until: int, ends: int) -> bool:
    """Lock a spent budget until `until`; its next window (n = 0) runs from then to `ends`. False when another
    request changed it first."""
    op = (
        Update("budget", *key)
        .set("locked_until", until)
        .set("n", 0)
        .set("ends", ends)
        .set("strikes", int(found.get("strikes") or 0) + 1)
    )
    try:
        table().write(_as_found(_expiring(op, key, ends), found))
    except ConditionFailed:
        return False
    return True


def reset(key: Key) -> None:
    """A right password: the account's budget starts over."""
    table().write(Delete("budget", *key))


# -- a source address's budget --------------------------------------------------------------------------
def take(key: Key, attempts: int, expires_at: int) -> bool:
    """Count one attempt in the address's window unless it holds `attempts` already (False: nothing written)."""
    op = _expiring(Update("budget", *key).add("n", 1).set("type", KIND), key, expires_at)
    op.when(field("n").not_exists() | field("n").lt(attempts))
    try:
        table().write(op)
    except ConditionFailed:
        return False
    return True


def give_back(key: Key) -> None:
    """Uncount an attempt that turned out not to be a failed guess (a right password, or an account's refusal)."""
    op = Update("budget", *key).add("n", -1).when_exists().when(field("n").gt(0))
    with contextlib.suppress(ConditionFailed):  # the window is over and swept: nothing to give back
        table().write(op)
