"""The local stack as a real process (`python -m infra.local`), and clients for it."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import boto3
import httpx
import pytest

from tests.support.fake_provider import FakeProvider
from tests.support.local_stack import free_port, healthy

ROOT = Path(__file__).resolve().parents[2]
TABLE_NAME = "niochat-e2e"
BUCKET = "niochat-media-e2e"
START_TIMEOUT = 60.0
# The seeded passwords are random unless given: the tests give them.
PASSWORDS = {
    "NIOCHAT_ADMIN_PASSWORD": "niochat-admin",
    "NIOCHAT_DEMO_ADMIN_PASSWORD": "niochat-demo",
    "NIOCHAT_DEMO_AGENT_PASSWORD": "niochat-demo",
}

# Modules whose tests pytest-xdist may spread over workers: the fuzz runs, which each take a minute.
SPREAD = {"tests.e2e.test_contract"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A module's tests run on one worker (`--dist loadgroup`, Makefile), so they share its module-scoped
    local stack: one start (and its CPU) per module instead of one per worker the tests were spread over.
    Without pytest-xdist (`-p no:xdist`) there is no group to mark."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        module = item.module.__name__ if item.module else ""
        if module not in SPREAD:
            item.add_marker(pytest.mark.xdist_group(module))


class LocalStackProcess:
    """One `python -m infra.local` process on free ports, with its output kept for failure reports."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.moto_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws/dashboard/"
        self.output: list[str] = []
        self.process: subprocess.Popen[str] | None = None

    def start(
        self, own_group: bool = False, passwords: bool = True, extra_env: dict[str, str] | None = None
    ) -> LocalStackProcess:
        """Start and wait for /api/health/; `own_group`: in a process group of its own (see signal_group);
        `passwords`: seed the PASSWORDS (else the stack draws random ones); `extra_env`: more variables."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NIOCHAT_", "AWS_ENDPOINT_URL"))}
        if passwords:
            env.update(PASSWORDS)
        env.update(
            NIOCHAT_PORT=str(self.port),
            NIOCHAT_MOTO_PORT=str(self.moto_port),
            NIOCHAT_DATA_DIR=str(self.data_dir),
            PASSWORD_HASH_COST="10",
            TABLE_NAME=TABLE_NAME,
            MEDIA_BUCKET=BUCKET,
            PYTHONUNBUFFERED="1",
            # A function's worker starts on its first request: a test calls a few of the 22 functions, and
            # importing all of them in each stack was a third of the e2e tests' CPU.
            NIOCHAT_WARM="0",
        )
        env.update(extra_env or {})
        self.output = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "infra.local"],
            cwd=ROOT,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=own_group,
        )
        self._reader = threading.Thread(target=self._collect, args=(self.process,), daemon=True)
        self._reader.start()
        self._wait_ready()
        return self

    def _collect(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.output.append(line.rstrip("\n"))

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                self.fail(f"the local stack exited with {self.process.returncode} while starting")
            if healthy(self.base_url):
                return
            time.sleep(0.2)
        self.stop()
        self.fail(f"the local stack did not answer /api/health/ within {START_TIMEOUT:.0f} s")

    def fail(self, message: str) -> None:
        pytest.fail(f"{message}\n--- local stack output ---\n" + "\n".join(self.output[-200:]), pytrace=False)

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM, as a developer's Ctrl+C or a process manager would; the exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                self.fail(f"the local stack did not exit within {timeout:.0f} s of SIGTERM")
        return self.process.returncode

    def wait(self, timeout: float) -> int:
        """The exit code, once the process has exited and all its output is read."""
        assert self.process is not None
        code = self.process.wait(timeout)
        self._reader.join(5)
        return code

    def kill(self) -> None:
        """SIGKILL: no shutdown at all, as a crash."""
        assert self.process is not None
        self.process.kill()
        self.wait(10)

    def signal_group(self, sig: signal.Signals) -> None:
        """Send `sig` to the stack's process group (what a terminal, systemd or `make` does); start() it
        with own_group=True."""
        assert self.process is not None
        os.killpg(self.process.pid, sig)

    # -- clients ----------------------------------------------------------------------------------
    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=10)

    def aws(self, service: str, endpoint: str | None = None) -> Any:
        return boto3.client(
            service,
            endpoint_url=endpoint or f"http://127.0.0.1:{self.moto_port}",
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )

    def management_api(self) -> Any:
        return self.aws("apigatewaymanagementapi", endpoint=self.base_url)

    def connections_of_user(self, user_id: int) -> list[str]:
        """Ids of the user's open connections, read from the table as the ws function does (GSI2)."""
        response = self.aws("dynamodb").query(
            TableName=TABLE_NAME,
            IndexName="GSI2",
            KeyConditionExpression="GSI2PK = :pk",
            ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}#WSCONNS"}},
        )
        return [item["connection_id"]["S"] for item in response["Items"]]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackProcess]:
    process = LocalStackProcess(tmp_path_factory.mktemp("niochat-data")).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeProvider]:
    """A fake WhatsApp provider on loopback (tests/support/fake_provider.py)."""
    with FakeProvider() as server:
        yield server


@pytest.fixture(scope="module")
def clock_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The file a timed stack reads its clock from (niochat.clock): an offset, or `@<epoch>` to stop it."""
    path = tmp_path_factory.mktemp("clock") / "offset"
    path.write_text("0")
    return path


@pytest.fixture(scope="module")
def timed_stack(tmp_path_factory: pytest.TempPathFactory, clock_file: Path) -> Iterator[LocalStackProcess]:
    """A stack whose timers tick every second, whose provider calls are not retried and whose clock the test
    moves through `clock_file`."""
    env = {"NIOCHAT_TIMER_SECONDS": "1", "PROVIDER_MAX_ATTEMPTS": "1", "NIOCHAT_CLOCK_OFFSET_FILE": str(clock_file)}
    stack = LocalStackProcess(tmp_path_factory.mktemp("timed")).start(extra_env=env)
    yield stack
    stack.stop()


def login(client: httpx.Client, username: str, password: str) -> str:
    response = client.post("/api/auth/login/", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["token"]


def wait_until(condition: Any, timeout: float = 5.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


async def first_event(
    stack: LocalStackProcess, token: str, act: Callable[[], Any], wanted: Callable[[dict[str, Any]], bool],
    timeout: float, what: str,
) -> dict[str, Any]:  # fmt: skip
    """Connect to the stack's WebSocket with `token`, run `act()` (in a thread), and return the first event
    `wanted` accepts; fail saying `what` was not seen within `timeout` seconds."""
    async with aiohttp.ClientSession() as session, session.ws_connect(f"{stack.ws_url}?token={token}") as ws:
        await asyncio.sleep(0.3)  # the connection's own item reaches the stream first
        await asyncio.to_thread(act)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
            if message.type == aiohttp.WSMsgType.TEXT and wanted(event := json.loads(message.data)):
                return event
        raise AssertionError(f"no {what} within {timeout:.0f} s")
