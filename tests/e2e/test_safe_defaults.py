"""The local stack as a new user starts it: on loopback, with random seeded passwords shown once, and no
webhook secret in its access log."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import LocalStackProcess, login, wait_until

pytestmark = pytest.mark.e2e

LOGIN_LINE = re.compile(r"^\s+(superadmin|admin|agent)\s+(\S+)(?: / (\S+))?\s+\(NIOCHAT_")


def _logins(output: list[str]) -> dict[str, tuple[str, str | None]]:
    found = {}
    for line in output:
        match = LOGIN_LINE.match(line)
        if match:
            found[match.group(1)] = (match.group(2), match.group(3))
    return found


def test_first_start_seeds_random_passwords_shown_once_on_loopback(tmp_path: Path) -> None:
    stack = LocalStackProcess(tmp_path / "data").start(passwords=False)
    try:
        assert any(f"Listening on  127.0.0.1:{stack.port}" in line for line in stack.output), stack.output
        first = _logins(stack.output)
        assert set(first) == {"superadmin", "admin", "agent"}
        with stack.http() as client:
            for username, password in first.values():
                assert password and password not in ("niochat-admin", "niochat-demo")
                login(client, username, password)
            refused = client.post("/api/auth/login/", json={"username": "admin", "password": "niochat-admin"})
            assert refused.status_code == 401

            client.post("/webhook/evolution-uazapi/?secret=segredo-do-inbox", json={})
        wait_until(lambda: any("secret=***" in line for line in stack.output), what="the webhook's access log line")
        assert not any("segredo-do-inbox" in line for line in stack.output)

        assert stack.stop() == 0
        stack.start(passwords=False)
        again = _logins(stack.output)
        assert {role: password for role, (_, password) in again.items()} == dict.fromkeys(first)  # not shown again
        with stack.http() as client:
            username, password = first["admin"]
            assert password is not None
            login(client, username, password)
    finally:
        stack.stop()
