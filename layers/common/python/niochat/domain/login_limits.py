"""Login budgets: how many password checks an account and a source address get, and how long a spent
account budget delays the next one (docs/api-decisions.md, "Login limiting"). Pure rules; the counting is
niochat.auth.limits over niochat.store.login_failures.

An account's budget is one item: `n` attempts counted in the window ending at `ends`, `locked_until` (0 when
not locked) and `strikes`, the locks since the budget last reset. A spent budget (`n` = attempts) is locked by
the next attempt for `lock_seconds(strikes)` (1 min, 2, 4, 8, then 15 at most); the window after a lock starts
when the lock ends. A window that runs out unspent starts the next one without strikes; a right password resets
the budget.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from enum import Enum
from typing import Any, NamedTuple

# The budget of a request whose source address is not known (never on API Gateway, which always has one).
UNKNOWN_SOURCE = "unknown"


class Budget(NamedTuple):
    attempts: int  # password checks per window
    window_seconds: int
    first_lock_seconds: int = 60
    max_lock_seconds: int = 15 * 60

    def lock_seconds(self, strikes: int) -> int:
        """How long the lock after `strikes` earlier locks lasts: doubling, capped."""
        return min(self.max_lock_seconds, self.first_lock_seconds * 2 ** min(max(strikes, 0), 30))


class Step(Enum):
    """What to do with an account budget an attempt could not be counted in."""

    OPEN = "open"  # no live window: start one with this attempt
    LOCK = "lock"  # spent: lock it (this attempt is refused)
    REFUSE = "refuse"  # locked: refuse until `locked_until`
    RETRY = "retry"  # it changed between the read and the write: count again


def next_step(found: Mapping[str, Any] | None, now: int, budget: Budget) -> Step:
    """The step for an attempt at `now` whose count was refused, given the budget item found (None: none)."""
    if found is None:
        return Step.OPEN
    if int(found.get("locked_until") or 0) > now:
        return Step.REFUSE
    if int(found.get("ends") or 0) <= now:
        return Step.OPEN
    if int(found.get("n") or 0) >= budget.attempts:
        return Step.LOCK
    return Step.RETRY


def window_start(now: int, window_seconds: int) -> int:
    """The fixed window (of a source address's budget) that `now` falls in."""
    return now - now % window_seconds


def source_of(address: str | None) -> str:
    """The budget a source address counts against: the address itself for IPv4, its /64 for IPv6 (one host
    usually holds a whole /64), UNKNOWN_SOURCE when it is missing or not an address."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return UNKNOWN_SOURCE
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False).network_address) + "/64"
    return str(parsed)


def wait_text(seconds: int) -> str:
    """`Tente novamente em …` as a person reads it: seconds under a minute, whole minutes (rounded up) after."""
    if seconds < 60:
        return f"{seconds} segundo" + ("s" if seconds != 1 else "")
    minutes = (seconds + 59) // 60
    return f"{minutes} minuto" + ("s" if minutes != 1 else "")
