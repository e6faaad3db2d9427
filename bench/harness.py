"""DynamoDB calls per request: the real handlers on in-process moto, with every DynamoDB call counted.

    with Harness() as h:
        tenant = seed.seed_tenant()
        token = h.login(tenant.admin)
        m = h.measure("GET", "/api/auth/me/", token=token)
        m.status, m.calls, m.items_read

Counting hooks botocore's before-call/after-call events of the shared client
(`niochat.store.clients.dynamodb()`), so only calls made through it are counted; set-up made with other
clients (the table's creation) is not.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bench import env
from bench.seed import Account, Tenant
from infra.lambda_runtime import LambdaContext, load_function, reset_caches, rest_event

Read = tuple[str, str, dict[str, str]]
"""A GET to measure: (label, path, query)."""


@dataclass
class Measurement:
    status: int
    body: Any
    calls: Counter[str] = field(default_factory=Counter)
    items_read: int = 0

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    def calls_text(self) -> str:
        """e.g. "3: GetItem×2, PutItem×1" (operations in the order first called)."""
        if not self.calls:
            return "0: none"
        return f"{self.total_calls}: " + ", ".join(f"{op}×{n}" for op, n in self.calls.items())


def items_read(operation: str, parsed: dict[str, Any]) -> int:
    """Items a response read: Query/Scan ScannedCount (else Count), GetItem's Item, BatchGetItem's and
    TransactGetItems' responses."""
    if operation in ("Query", "Scan"):
        return int(parsed.get("ScannedCount", parsed.get("Count", 0)))
    if operation == "GetItem":
        return 1 if "Item" in parsed else 0
    if operation == "BatchGetItem":
        return sum(len(items) for items in parsed.get("Responses", {}).values())
    if operation == "TransactGetItems":
        return sum(1 for response in parsed.get("Responses", []) if response.get("Item"))
    return 0


class Meter:
    """Counts DynamoDB calls and items read on one client while recording."""

    def __init__(self) -> None:
        self.current: Measurement | None = None

    def attach(self, client: Any) -> None:
        client.meta.events.register("before-call.dynamodb.*", self._before)
        client.meta.events.register("after-call.dynamodb.*", self._after)

    def _before(self, model: Any, **_: Any) -> None:
        if self.current is not None:
            self.current.calls[model.name] += 1

    def _after(self, model: Any, parsed: dict[str, Any], **_: Any) -> None:
        if self.current is not None:
            self.current.items_read += items_read(model.name, parsed)

    @contextmanager
    def recording(self) -> Any:
        self.current = Measurement(status=0, body=None)
        try:
            yield self.current
        finally:
            self.current = None


class Harness:
    """moto in-process with the table and bucket created; handlers invoked with REST v1 events."""

    def __init__(self) -> None:
        self.meter = Meter()
        self._mock: Any = None

    def __enter__(self) -> Harness:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self) -> None:
        env.apply()
        import boto3
        from moto import mock_aws

        from niochat.settings import get_settings
        from niochat.store import clients, schema

        self._mock = mock_aws()
        self._mock.start()
        reset_caches()
        settings = get_settings()
        schema.create_table(boto3.client("dynamodb"), settings.table_name)
        boto3.client("s3").create_bucket(Bucket=settings.media_bucket)
        self.meter.attach(clients.dynamodb())

    def stop(self) -> None:
        reset_caches()
        if self._mock is not None:
            self._mock.stop()
            self._mock = None

    def measure(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        query: dict[str, str] | None = None,
    ) -> Measurement:
        """Call the lambda_handler of the function that owns `path`: its status, decoded JSON body, and the
        DynamoDB calls and items read it caused."""
        from infra.routes import rest_function_for

        function = rest_function_for(path)
        if function is None:
            raise ValueError(f"no function owns {path}")
        with self.meter.recording() as measurement:
            raw = load_function(function).lambda_handler(rest_event(method, path, body, token, query), LambdaContext())
        measurement.status = raw["statusCode"]
        text = raw.get("body") or ""
        try:
            measurement.body = json.loads(text) if text else None
        except ValueError:
            measurement.body = text
        return measurement

    def reads(self, token: str, reads: list[Read]) -> list[tuple[str, Measurement]]:
        """Each (label, path, query) GET once to warm the function, then once measured; each must answer 200."""
        measured = []
        for label, path, query in reads:
            self.measure("GET", path, token=token, query=query)
            m = self.measure("GET", path, token=token, query=query)
            if m.status != 200:
                raise RuntimeError(f"GET {path} answered {m.status}: {m.body}")
            measured.append((label, m))
        return measured

    def login(self, user: Any) -> str:
        """A fresh token for a seeded user (anything with .username and .password)."""
        m = self.measure("POST", "/api/auth/login/", {"username": user.username, "password": user.password})
        if m.status != 200:
            raise RuntimeError(f"login of {user.username} failed: {m.status} {m.body}")
        return m.body["token"]


def reads_by_size(
    sizes: Sequence[int], world: Callable[[Tenant, int], tuple[Account, list[Read]]]
) -> dict[int, list[tuple[str, Measurement]]]:
    """Per size, a fresh Harness and a seeded tenant (bench.seed.seed_tenant); `world(tenant, size)` writes that
    size's data and answers who reads and what; each read measured warm (Harness.reads)."""
    from bench.seed import seed_tenant

    results: dict[int, list[tuple[str, Measurement]]] = {}
    for size in sizes:
        with Harness() as h:
            tenant = seed_tenant()
            caller, reads = world(tenant, size)
            results[size] = h.reads(h.login(caller), reads)
    return results


def by_size(results: dict[int, list[tuple[str, Measurement]]]) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of a table of reads (rows) by data size (calls and items read per size)."""
    sizes = list(results)
    rows = []
    for index, (label, _) in enumerate(results[sizes[0]]):
        row: list[Any] = [label]
        for size in sizes:
            m = results[size][index][1]
            row += [m.calls_text(), m.items_read]
        rows.append(row)
    return ["read"] + [f"{column} at {size:,}" for size in sizes for column in ("calls", "items read")], rows


@contextmanager
def clock_advanced(seconds: float) -> Any:
    """niochat's clock (niochat.clock.now) `seconds` ahead, e.g. to let a token go idle."""
    from unittest import mock

    from niochat import clock

    real = clock.now
    with mock.patch.object(clock, "now", lambda: real() + seconds):
        yield
