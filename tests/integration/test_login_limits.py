"""Login limiting on moto: attempts counted atomically before the password check, one budget per account
(username and email alike) and one per source address, locks that delay (progressively) instead of refusing
the right password for good."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from infra.lambda_runtime import LambdaContext, load_function, rest_event
from niochat import clock
from niochat.settings import get_settings
from tests.integration.conftest import Response

WRONG = {"username": "admin_a", "password": "errada"}
RIGHT = {"username": "admin_a", "password": "senha-forte-1"}


@pytest.fixture
def now(monkeypatch):
    """The clock stopped at an instant; `now.move(seconds)` moves it."""

    class Clock:
        at = float(int(clock.now()))

        def move(self, seconds: float) -> None:
            self.at += seconds

    stopped = Clock()
    monkeypatch.setattr(clock, "now", lambda: stopped.at)
    return stopped


def attempt(body: dict, source_ip: str = "198.51.100.7", headers: dict | None = None) -> Response:
    """POST /api/auth/login/ to the auth function's real handler, from `source_ip` as API Gateway reports it."""
    event = rest_event("POST", "/api/auth/login/", body, headers=headers)
    event["requestContext"]["identity"]["sourceIp"] = source_ip
    return Response(load_function("auth").lambda_handler(event, LambdaContext()))


def test_300_concurrent_wrong_passwords_get_the_budget_of_401s_and_the_right_one_works_after_the_delay(tenant, now):
    budget = get_settings().login_max_failures
    attempt({"username": "agent_a", "password": "senha-forte-2"})  # the function is loaded before the race
    barrier = threading.Barrier(300)
    statuses: list[int] = []
    retry_after: list[int] = []

    def guess(n: int) -> None:
        barrier.wait()
        response = attempt(WRONG, f"192.0.{2 + n // 200}.{n % 200 + 1}")  # many addresses: the account's budget
        statuses.append(response.status)
        if response.status == 429:
            retry_after.append(int(response.headers["retry-after"]))

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(300)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(statuses) == {401: budget, 429: 300 - budget}
    assert all(0 < seconds <= get_settings().login_lock_seconds for seconds in retry_after)

    locked = attempt(RIGHT)
    assert locked.status == 429
    assert locked.json["error"] == "RateLimitError"
    assert locked.json["message"].startswith("Muitas tentativas de login. Tente novamente em ")
    assert locked.json["details"] == {"retry_after": int(locked.headers["retry-after"])}
    now.move(int(locked.headers["retry-after"]))
    assert attempt(RIGHT).status == 200
    # the success reset the account's budget: a full budget of wrong passwords is answered 401 again
    assert [attempt(WRONG).status for _ in range(budget)] == [401] * budget


def test_the_username_and_the_email_of_an_account_share_one_budget(tenant, now):
    budget = get_settings().login_max_failures
    names = ["admin_a", "ADMIN@a.example", " Admin_A ", "admin@a.example"]
    for n in range(budget):
        assert attempt({"username": names[n % len(names)], "password": "errada"}).status == 401
    assert attempt({"username": "admin@a.example", "password": "senha-forte-1"}).status == 429
    assert attempt(RIGHT).status == 429
    # another account is not affected
    assert attempt({"username": "agent@a.example", "password": "senha-forte-2"}).status == 200


def test_each_further_lock_is_longer_up_to_the_cap_and_a_success_starts_over(tenant, now):
    settings = get_settings()
    delays = []
    for _ in range(6):
        assert [attempt(WRONG).status for _ in range(settings.login_max_failures)] == [401] * 10
        refused = attempt(RIGHT)
        assert refused.status == 429
        delays.append(int(refused.headers["retry-after"]))
        now.move(delays[-1] - 1)
        assert attempt(RIGHT).status == 429  # still locked a second before the end
        now.move(1)
    assert delays == [60, 120, 240, 480, 900, 900]
    assert attempt(RIGHT).status == 200
    assert [attempt(WRONG).status for _ in range(10)] == [401] * 10
    assert int(attempt(WRONG).headers["retry-after"]) == 60  # the strikes started over with the success


def test_a_window_that_runs_out_unspent_takes_no_strike(tenant, now):
    for _ in range(9):
        assert attempt(WRONG).status == 401
    now.move(get_settings().login_window_seconds)
    assert [attempt(WRONG).status for _ in range(10)] == [401] * 10
    assert int(attempt(WRONG).headers["retry-after"]) == 60


def test_an_unknown_name_is_answered_like_an_account(tenant, now):
    def story(name: str) -> list[tuple[int, str, str | None]]:
        answers = [attempt({"username": name, "password": "errada"}) for _ in range(11)]
        return [(r.status, r.json["message"], r.headers.get("retry-after")) for r in answers]

    assert story("ninguem") == story("agent_a")
    assert attempt({"username": "NINGUEM", "password": "x"}).status == 429  # names are normalized


def test_a_source_address_has_a_budget_of_failed_guesses_across_accounts(tenant, now, monkeypatch):
    monkeypatch.setenv("LOGIN_IP_MAX_FAILURES", "12")
    get_settings.cache_clear()
    spray = "203.0.113.50"
    for n in range(12):
        assert attempt({"username": f"pessoa{n}", "password": "x"}, spray).status == 401
    refused = attempt({"username": "agent_a", "password": "senha-forte-2"}, spray)
    assert refused.status == 429 and 0 < int(refused.headers["retry-after"]) <= get_settings().login_window_seconds
    assert attempt({"username": "agent_a", "password": "senha-forte-2"}, "203.0.113.51").status == 200
    # the address is read from API Gateway's request context, never from a header the client writes
    spoofed = attempt({"username": "agent_a", "password": "senha-forte-2"}, spray, {"X-Forwarded-For": "192.0.2.1"})
    assert spoofed.status == 429
    # IPv6 addresses of one /64 share a budget
    for n in range(12):
        assert attempt({"username": f"outra{n}", "password": "x"}, f"2001:db8:1:2::{n + 1}").status == 401
    assert attempt({"username": "agent_a", "password": "senha-forte-2"}, "2001:db8:1:2:ffff::9").status == 429
    assert attempt({"username": "agent_a", "password": "senha-forte-2"}, "2001:db8:1:3::1").status == 200
    now.move(get_settings().login_window_seconds)
    assert attempt({"username": "agent_a", "password": "senha-forte-2"}, spray).status == 200


def test_concurrent_guesses_from_one_address_at_many_accounts_get_the_address_budget(tenant, now, monkeypatch):
    monkeypatch.setenv("LOGIN_IP_MAX_FAILURES", "20")
    get_settings.cache_clear()
    attempt({"username": "agent_a", "password": "senha-forte-2"})
    barrier = threading.Barrier(100)
    statuses: list[int] = []

    def guess(n: int) -> None:
        barrier.wait()
        statuses.append(attempt({"username": f"alvo{n}", "password": "x"}, "203.0.113.80").status)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(statuses) == {401: 20, 429: 80}


def test_right_passwords_and_refusals_by_a_locked_account_do_not_spend_the_address_budget(tenant, now, monkeypatch):
    monkeypatch.setenv("LOGIN_IP_MAX_FAILURES", "12")
    get_settings.cache_clear()
    office = "198.51.100.20"
    for _ in range(30):  # colleagues behind one address logging in all day
        assert attempt({"username": "agent_a", "password": "senha-forte-2"}, office).status == 200
    for _ in range(10):
        assert attempt(WRONG, office).status == 401
    for _ in range(20):  # the locked account refuses these before any password is checked
        assert attempt(WRONG, office).status == 429
    assert attempt({"username": "agent_a", "password": "senha-forte-2"}, office).status == 200
    assert attempt({"username": "root", "password": "x"}, office).status == 401
    assert attempt({"username": "root", "password": "x"}, office).status == 401
    assert attempt({"username": "root", "password": "senha-forte-0"}, office).status == 429  # 12 failures now


def test_a_suspended_users_right_password_still_resets_the_budget(tenant, now):
    from niochat.store import users

    for _ in range(9):
        assert attempt({"username": "agent_a", "password": "errada"}).status == 401
    users.update(tenant["agent"]["id"], {"is_active": False})
    assert attempt({"username": "agent_a", "password": "senha-forte-2"}).status == 403
    assert [attempt({"username": "agent_a", "password": "errada"}).status for _ in range(10)] == [401] * 10
