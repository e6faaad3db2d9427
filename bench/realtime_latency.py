"""On the local stack (`python -m infra.local` as a real process): the time from a webhook POST to the
`chat_message` on a connected WebSocket, over MESSAGES messages sent one after the other. Without the
webhooks function (its route answers 501), the time from a REST assignment to `conversation_updated`."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.report import render
from tests.support.deliveries import uazapi_text
from tests.support.local_stack import free_port, healthy

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = 200
PASSWORD = "senha-forte-bench"


class LocalStack:
    """`python -m infra.local` on free ports (the embedded AWS's too: `moto_port` to choose it)."""

    table = "niochat-bench-local"

    def __init__(self, data_dir: str, moto_port: int | None = None) -> None:
        self.port = free_port()
        self.moto_port = moto_port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NIOCHAT_", "AWS_ENDPOINT_URL"))}
        env.update(NIOCHAT_PORT=str(self.port), NIOCHAT_MOTO_PORT=str(self.moto_port), NIOCHAT_DATA_DIR=data_dir,
                   NIOCHAT_LOG_LEVEL="WARNING", PASSWORD_HASH_COST="10", TABLE_NAME=self.table,
                   NIOCHAT_ADMIN_PASSWORD="niochat-admin")  # fmt: skip
        self.process = subprocess.Popen(
            [sys.executable, "-m", "infra.local"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the local stack exited with {self.process.returncode}")
            if healthy(self.base_url):
                return
            time.sleep(0.3)
        raise RuntimeError("the local stack did not start")

    def aws(self, service: str) -> Any:
        """A boto3 client of the stack's embedded AWS."""
        import boto3

        return boto3.client(service, endpoint_url=f"http://127.0.0.1:{self.moto_port}", region_name="us-east-1",
                            aws_access_key_id="local", aws_secret_access_key="local")  # fmt: skip

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _setup(base_url: str) -> dict[str, Any]:
    """A provedor, its admin and an agent, a WhatsApp inbox, a contact and a conversation, over REST."""
    import httpx

    with httpx.Client(base_url=base_url, timeout=30) as client:
        root = client.post("/api/auth/login/", json={"username": "admin", "password": "niochat-admin"}).json()
        auth = {"Authorization": f"Token {root['token']}"}

        def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
            response = client.post(path, json=body, headers=auth)
            if response.status_code != 201:
                raise RuntimeError(f"POST {path}: {response.status_code} {response.text}")
            return response.json()

        provedor = post("/api/provedores/", {"nome": "Provedor Bench"})["id"]
        people = {}
        for role in ("admin", "agent"):
            username = f"bench_{role}_{uuid.uuid4().hex[:6]}"
            body = {"username": username, "email": f"{username}@bench.example", "password": PASSWORD}
            people[role] = post("/api/users/", {**body, "user_type": role, "provedor": provedor})
            token = client.post("/api/auth/login/", json={"username": username, "password": PASSWORD}).json()["token"]
            people[role]["token"] = token
        settings = {"provider": "uazapi", "base_url": "http://127.0.0.1:9", "instance": "eKoB39", "token": "bench-tk"}
        inbox = post("/api/inboxes/", {"name": "WhatsApp", "channel_type": "whatsapp", "provedor": provedor,
                                       "settings": settings})  # fmt: skip
        contact = post("/api/contacts/", {"name": "Cliente", "phone": "11999990001", "provedor": provedor})
        conversation = post(
            "/api/conversations/", {"contact": contact["id"], "inbox": inbox["id"], "provedor": provedor}
        )
        webhook = inbox["webhook_url"][inbox["webhook_url"].index("/webhook") :]
        return {"people": people, "webhook": webhook, "conversation": conversation["id"]}


async def _measure(base_url: str, world: dict[str, Any], count: int) -> tuple[str, list[float], list[float]]:
    import aiohttp
    import httpx

    admin, agent = world["people"]["admin"], world["people"]["agent"]
    ws_url = base_url.replace("http", "ws") + "/ws/dashboard/?token=" + admin["token"]
    auth = {"Authorization": f"Token {admin['token']}"}
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(ws_url) as ws,
        httpx.AsyncClient(base_url=base_url, timeout=30) as http,
    ):
        webhooks = (await http.post(world["webhook"], json={})).status_code != 501

        async def one(n: int) -> tuple[float, float]:
            started = time.perf_counter()
            if webhooks:
                text = f"bench {n}"
                response = await http.post(world["webhook"], json=uazapi_text(text))
                wanted = ("chat_message", lambda data: (data.get("message") or {}).get("content") == text)
            else:  # assign/transfer between the admin and the agent, back and forth
                target = (agent if n % 2 == 0 else admin)["id"]
                action = "assign" if n == 0 else "transfer"
                path = f"/api/conversations/{world['conversation']}/{action}/"
                response = await http.post(path, json={"user_id": target}, headers=auth)
                wanted = ("conversation_updated", lambda data: data["conversation"]["assignee"]["id"] == target)
            answered = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"{response.status_code} {response.text}")
            while True:
                event = json.loads((await ws.receive(timeout=10)).data)
                if event.get("type") == wanted[0] and wanted[1](event["data"]):
                    return answered, time.perf_counter() - started

        await one(-1)  # warm: the first delivery also creates the contact's conversation
        timings = [await one(n) for n in range(count)]
    path = (
        "webhook POST → chat_message" if webhooks else "REST assign/transfer → conversation_updated (no webhooks yet)"
    )
    return path, [t[0] for t in timings], [t[1] for t in timings]


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(count: int = MESSAGES) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="niochat-bench-") as data_dir:
        stack = LocalStack(data_dir)
        try:
            stack.wait_ready()
            world = _setup(stack.base_url)
            path, answered, delivered = asyncio.run(_measure(stack.base_url, world, count))
        finally:
            stack.stop()
    rows = [
        [path, "event received", len(delivered), _ms(delivered, 0.5), _ms(delivered, 0.99), 1000 * max(delivered),
         1000 * statistics.mean(delivered)],
        [path, "HTTP answered", len(answered), _ms(answered, 0.5), _ms(answered, 0.99), 1000 * max(answered),
         1000 * statistics.mean(answered)],
    ]  # fmt: skip
    notes = [
        "The local stack as a real process (moto server, gateway, stream pump polling every 100 ms), one",
        "WebSocket client (the provedor's admin); messages sent one at a time, each timed from the start of",
        "its POST to the arrival of its event ('event received') and to the HTTP answer ('HTTP answered').",
    ]
    headers = ["path", "until", "n", "p50 ms", "p99 ms", "max ms", "mean ms"]
    return [render("Realtime: latency on the local stack", headers, rows, notes)]
