"""Login limiting: an attempt is counted against its source address and its account BEFORE the password is
checked (one conditional UpdateItem each), so parallel requests get no more guesses than the budgets hold.
A spent budget answers 429 with `Retry-After` (docs/api-decisions.md, "Login limiting").

- The account is the user the name resolves to (username or email: one budget), or, for a name that is no
  account's, the normalized name, so the answers never tell whether an account exists.
- The source address's budget counts failed guesses: an attempt refused by the account's budget, and a right
  password, are given back.
- A spent account budget delays (niochat.domain.login_limits): the right password works again after the lock,
  and it resets the budget.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from aws_lambda_powertools import Logger

from niochat.domain.login_limits import Budget, Step, next_step, source_of, wait_text, window_start
from niochat.domain.users import User
from niochat.errors import RateLimited
from niochat.settings import get_settings
from niochat.store import keys
from niochat.store import login_failures as store

logger = Logger(child=True)
# Attempts at counting one request before giving up (each lost race means another request moved the budget).
MAX_ROUNDS = 8


def account_budget() -> Budget:
    settings = get_settings()
    return Budget(
        settings.login_max_failures,
        settings.login_window_seconds,
        settings.login_lock_seconds,
        settings.login_lock_max_seconds,
    )


def _refused(seconds: int) -> RateLimited:
    seconds = max(1, seconds)
    return RateLimited(seconds, f"Muitas tentativas de login. Tente novamente em {wait_text(seconds)}")


class Attempt(NamedTuple):
    """An attempt counted on its budgets, waiting for the password's verdict."""

    account: store.Key
    source: store.Key | None

    def succeeded(self) -> None:
        """The password was right: the account's budget starts over and the address's attempt is given back."""
        store.reset(self.account)
        if self.source is not None:
            store.give_back(self.source)


def account_key(user: User | None, login_name: str) -> store.Key:
    if user is not None:
        return keys.login_budget_of_user(int(user["id"]))
    return keys.login_budget_of_name(login_name)


def admit(user: User | None, login_name: str, source_ip: str | None, now: int) -> Attempt:
    """Count an attempt to log in as `user` (None: `login_name` is no account's) from `source_ip` (None: not
    counted per address); RateLimited when a budget is spent. A failed password leaves the attempt counted."""
    source = _take_source(source_ip, now) if source_ip is not None else None
    account = account_key(user, login_name)
    about = {"user_id": user["id"], "provedor_id": user.get("provedor_id")} if user is not None else {}
    try:
        _count(account, now, about)
    except RateLimited:
        if source is not None:
            store.give_back(source)
        raise
    return Attempt(account, source)


def _take_source(source_ip: str, now: int) -> store.Key:
    settings = get_settings()
    start = window_start(now, settings.login_window_seconds)
    end = start + settings.login_window_seconds
    key = keys.login_budget_of_ip(source_of(source_ip), start)
    if not store.take(key, settings.login_ip_max_failures, end):
        logger.warning("login refused: the source address's budget is spent", extra={"source": key[0]})
        raise _refused(end - now)
    return key


def _count(key: store.Key, now: int, about: Mapping[str, object]) -> None:
    budget = account_budget()
    for _ in range(MAX_ROUNDS):
        counted, found = store.count(key, now, budget.attempts)
        if counted:
            return
        step = next_step(found, now, budget)
        if step is Step.OPEN and store.open_window(key, found, now, now + budget.window_seconds, about):
            return
        if step is Step.REFUSE and found is not None:
            raise _refused(int(found["locked_until"]) - now)
        if step is Step.LOCK and found is not None:
            delay = budget.lock_seconds(int(found.get("strikes") or 0))
            if store.lock(key, found, now + delay, now + delay + budget.window_seconds):
                extra = {"user_id": about.get("user_id"), "lock_seconds": delay}
                logger.warning("login budget spent: the account is locked", extra=extra)
                raise _refused(delay)
    # Every round lost a race: so many requests for one account at once are refused rather than let through.
    raise _refused(1)
