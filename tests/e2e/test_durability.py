"""No acknowledged write is lost: a client creates contacts while the local stack is killed (kill -9) or sent
SIGTERM twice through its process group at a random moment; after a restart every contact whose POST got a
201 is there."""

from __future__ import annotations

import random
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import LocalStackProcess, login

pytestmark = pytest.mark.e2e

CONTACTS = 200
ADMIN = ("demo-admin", "niochat-demo")


class Writer(threading.Thread):
    """POSTs CONTACTS contacts one after the other until done or the stack is gone; keeps the 201s."""

    def __init__(self, stack: LocalStackProcess, token: str, provedor: int) -> None:
        super().__init__(daemon=True)
        self.stack, self.headers, self.provedor = stack, {"Authorization": f"Token {token}"}, provedor
        self.created: list[dict[str, Any]] = []
        self.refused = 0

    def run(self) -> None:
        with httpx.Client(base_url=self.stack.base_url, timeout=10) as client:
            for n in range(CONTACTS):
                body = {"name": f"Cliente Durável {n}", "phone": f"1198{n:07d}", "provedor": self.provedor}
                try:
                    response = client.post("/api/contacts/", json=body, headers=self.headers)
                except httpx.HTTPError:
                    return  # the stack went away
                if response.status_code == 201:
                    self.created.append(response.json())
                else:
                    self.refused += 1  # 503 while it shuts down


def _write_and_interrupt(tmp_path: Path, interrupt: Callable[[LocalStackProcess], None], seed: int) -> None:
    rng = random.Random(seed)
    stack = LocalStackProcess(tmp_path / "data").start(own_group=True)
    try:
        with stack.http() as client:
            token = login(client, *ADMIN)
            me = client.get("/api/auth/me/", headers={"Authorization": f"Token {token}"}).json()
        writer = Writer(stack, token, me["provedor_id"])
        writer.start()
        moment = rng.randint(5, CONTACTS - 20)  # somewhere in the middle of the writes
        deadline = time.monotonic() + 120
        while len(writer.created) < moment and writer.is_alive() and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.05))
        interrupt(stack)
        writer.join(30)
        acknowledged = list(writer.created)
        assert moment <= len(acknowledged) < CONTACTS, (seed, moment, len(acknowledged))

        stack.start()
        with stack.http() as client:
            headers = {"Authorization": f"Token {login(client, *ADMIN)}"}
            for contact in acknowledged:
                found = client.get(f"/api/contacts/{contact['id']}/", headers=headers)
                assert found.status_code == 200, (seed, contact, found.text)
                assert found.json()["name"] == contact["name"]
    finally:
        stack.stop()


@pytest.mark.parametrize("seed", [1, 2])
def test_kill_9_loses_no_acknowledged_contact(tmp_path: Path, seed: int) -> None:
    _write_and_interrupt(tmp_path, LocalStackProcess.kill, seed)


def test_sigterm_twice_to_the_process_group_still_saves_and_loses_nothing(tmp_path: Path) -> None:
    def sigterm_twice(stack: LocalStackProcess) -> None:
        stack.signal_group(signal.SIGTERM)
        time.sleep(0.05)
        stack.signal_group(signal.SIGTERM)
        try:
            assert stack.wait(30) == 0, "\n".join(stack.output[-40:])
        except subprocess.TimeoutExpired:
            stack.kill()
            pytest.fail("the local stack did not exit within 30 s of two SIGTERMs")
        output = "\n".join(stack.output)
        assert "already shutting down" in output
        assert "Saved " in output, output[-2000:]

    _write_and_interrupt(tmp_path, sigterm_twice, seed=3)
