"""The login budgets' pure rules: the next step for a budget an attempt could not be counted in, progressive
locks, source addresses, and the wait as a person reads it."""

from __future__ import annotations

import pytest

from niochat.domain.login_limits import UNKNOWN_SOURCE, Budget, Step, next_step, source_of, wait_text

BUDGET = Budget(attempts=10, window_seconds=900, first_lock_seconds=60, max_lock_seconds=900)
NOW = 1_800_000_000


def test_locks_double_up_to_the_cap():
    assert [BUDGET.lock_seconds(strikes) for strikes in range(7)] == [60, 120, 240, 480, 900, 900, 900]
    assert BUDGET.lock_seconds(10_000) == 900


@pytest.mark.parametrize(
    ("found", "step"),
    [
        (None, Step.OPEN),
        ({"n": 3, "ends": NOW, "locked_until": 0}, Step.OPEN),  # the window is over
        ({"n": 10, "ends": NOW - 1, "locked_until": 0}, Step.OPEN),  # spent, but its window is over
        ({"n": 10, "ends": NOW + 1, "locked_until": 0}, Step.LOCK),
        ({"n": 0, "ends": NOW + 960, "locked_until": NOW + 60}, Step.REFUSE),
        ({"n": 0, "ends": NOW + 900, "locked_until": NOW}, Step.RETRY),  # the lock just ended: count again
        ({"n": 4, "ends": NOW + 10, "locked_until": 0}, Step.RETRY),  # another request moved it meanwhile
    ],
)
def test_the_next_step(found, step):
    assert next_step(found, NOW, BUDGET) is step


@pytest.mark.parametrize(
    ("address", "source"),
    [
        ("203.0.113.9", "203.0.113.9"),
        (" 203.0.113.9 ", "203.0.113.9"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::ffff", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.1", "198.51.100.1"),
        ("", UNKNOWN_SOURCE),
        (None, UNKNOWN_SOURCE),
        ("not-an-address", UNKNOWN_SOURCE),
    ],
)
def test_the_budget_a_source_address_counts_against(address, source):
    assert source_of(address) == source


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1, "1 segundo"), (45, "45 segundos"), (60, "1 minuto"), (61, "2 minutos"), (900, "15 minutos")],
)
def test_the_wait_in_words(seconds, text):
    assert wait_text(seconds) == text
