"""Inbound WhatsApp messages: DynamoDB calls per delivery (in-process, real handler on moto) and messages
per second through the local stack as a real process (webhook POSTs over HTTP, several at a time)."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import time
from typing import Any

from bench.harness import Harness, load_function
from bench.realtime_latency import LocalStack, _setup
from bench.report import render
from infra.lambda_runtime import LambdaContext, function_url_event
from tests.support.deliveries import uazapi_text

THROUGHPUT_MESSAGES = 300
CONCURRENCY = (1, 4, 8)


def _calls() -> str:
    from bench.seed import seed_tenant
    from niochat.domain.users import Principal, UserType
    from niochat.inboxes import service as inboxes
    from niochat.inboxes.models import InboxCreate

    rows = []
    # The inbox points at a closed loopback port (nothing is sent to it here): admitted as on the local stack.
    os.environ["PROVIDER_ALLOW_LOOPBACK"] = "1"
    with Harness() as h:
        tenant = seed_tenant("Provedor Webhooks", "wh")
        root = Principal(user_id=0, provedor_id=None, user_type=UserType.SUPERADMIN, username="root")
        settings = {"provider": "uazapi", "base_url": "http://127.0.0.1:9", "instance": "eKoB39", "token": "tk-bench-1"}
        created = inboxes.create(root, tenant.id, InboxCreate(name="WhatsApp", channel_type="whatsapp",
                                                              provedor=tenant.id, settings=settings))  # fmt: skip
        handler = load_function("webhooks").lambda_handler
        path = "/webhook/evolution-uazapi/"

        def measure(label: str, body: dict[str, Any]) -> None:
            with h.meter.recording() as m:
                raw = handler(
                    function_url_event("POST", path, body, {"secret": created.webhook_secret}), LambdaContext()
                )
            answer = json.loads(raw["body"])
            rows.append([label, raw["statusCode"], answer.get("status"), m.calls_text(), m.items_read])

        first = uazapi_text("primeira mensagem")
        measure("text, new contact (creates contact + conversation)", first)
        measure("text, known contact, active conversation", uazapi_text("segunda mensagem"))
        measure("the same delivery again (duplicate)", first)
    notes = [
        "In-process moto, the webhooks function's real lambda_handler with a Function URL (v2) event, proof by",
        "the inbox's URL secret. Target: at most 4 calls for a known contact's text (idempotency claim and",
        "conversation update included: they are in the one TransactWriteItems).",
    ]
    headers = ["delivery", "HTTP", "status", "DynamoDB calls", "items read"]
    return render("Inbound webhooks: DynamoDB calls per delivery", headers, rows, notes)


async def _blast(base_url: str, webhook: str, count: int, concurrency: int) -> tuple[float, list[float]]:
    import httpx

    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(count):
        queue.put_nowait(n)
    latencies: list[float] = []

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            n = queue.get_nowait()
            started = time.perf_counter()
            response = await client.post(webhook, json=uazapi_text(f"carga {concurrency}-{n}"))
            if response.status_code != 200 or response.json().get("status") != "stored":
                raise RuntimeError(f"{response.status_code} {response.text}")
            latencies.append(time.perf_counter() - started)

    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        await client.post(webhook, json=uazapi_text("aquecimento"))
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        return time.perf_counter() - started, latencies


def _throughput() -> str:
    rows = []
    with tempfile.TemporaryDirectory(prefix="niochat-bench-") as data_dir:
        stack = LocalStack(data_dir)
        try:
            stack.wait_ready()
            world = _setup(stack.base_url)
            for concurrency in CONCURRENCY:
                elapsed, latencies = asyncio.run(
                    _blast(stack.base_url, world["webhook"], THROUGHPUT_MESSAGES, concurrency)
                )
                ordered = sorted(latencies)
                rows.append([
                    concurrency, len(latencies), round(len(latencies) / elapsed, 1),
                    1000 * statistics.median(ordered), 1000 * ordered[int(0.99 * (len(ordered) - 1))],
                ])  # fmt: skip
        finally:
            stack.stop()
    notes = [
        "The local stack as a real process (`python -m infra.local`): moto server, HTTP gateway, webhooks",
        "function, and the stream pump fanning every message out to the realtime function meanwhile. Text",
        "messages from one known contact; each POST waits for its 200 `stored`. Local figures: on AWS each",
        "delivery is its own Lambda invocation and DynamoDB is not an in-process Python server.",
    ]
    headers = ["concurrent POSTs", "messages", "messages/s", "p50 ms", "p99 ms"]
    return render("Inbound webhooks: messages per second through the local stack", headers, rows, notes)


def run() -> list[str]:
    return [_calls(), _throughput()]
