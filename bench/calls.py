"""DynamoDB calls and items read per request, one row per endpoint case.

To add a row, add one Case to CASES (and, when it needs data, a seeder in bench/seed.py).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from bench.harness import Harness, Measurement, clock_advanced
from bench.report import render
from bench.seed import Tenant, seed_tenant


@dataclass(frozen=True)
class Case:
    method: str
    # May hold {placeholders}, filled from what `setup` returns (e.g. "/api/contacts/{contact_id}/").
    path: str
    # The JSON body, or a function of the seeded tenant that returns it.
    body: Any | Callable[[Tenant], Any] = None
    # "admin" or "agent": send a fresh token of that seeded user (its login is not measured).
    as_user: str | None = None
    # Seeds what the case needs in its tenant (e.g. a bench/seed.py helper) and returns path placeholders.
    setup: Callable[[Tenant], dict[str, Any]] | None = None
    # Tokens the user holds when the request is sent (the one sent included); each is a login, not measured.
    sessions: int = 1
    # Send the same request once, unmeasured, before the measured one.
    warm: bool = False
    # Seconds niochat's clock moves forward before the measured request (e.g. a token going idle).
    idle_seconds: int = 0
    note: str = ""
    max_calls: int | None = None
    max_items: int | None = None

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}" + (f" ({self.note})" if self.note else "")

    @property
    def target(self) -> str | None:
        parts = [f"≤ {self.max_calls} calls" if self.max_calls is not None else ""]
        parts.append(f"≤ {self.max_items} items" if self.max_items is not None else "")
        return ", ".join(p for p in parts if p) or None

    def met(self, m: Measurement) -> str | None:
        if self.max_calls is None and self.max_items is None:
            return None
        calls_ok = self.max_calls is None or m.total_calls <= self.max_calls
        items_ok = self.max_items is None or m.items_read <= self.max_items
        return "yes" if calls_ok and items_ok else "NO"


def _admin_login(tenant: Tenant) -> dict[str, str]:
    return {"username": tenant.admin.username, "password": tenant.admin.password}


CASES: tuple[Case, ...] = (
    Case("POST", "/api/auth/login/", body=_admin_login),
    Case("GET", "/api/auth/me/", as_user="admin", warm=True, note="warm", max_calls=2),
    Case("GET", "/api/auth/me/", as_user="admin", warm=True, idle_seconds=61, note="warm, idle 61 s"),
    Case("POST", "/api/auth/session-timeout/", body={"timeout": 120}, as_user="admin"),
    Case("POST", "/api/auth/session-timeout/", body={"timeout": 120}, as_user="admin", sessions=5, note="5 sessions"),
    Case("POST", "/api/auth/logout/", as_user="admin"),
    Case("GET", "/api/health/"),
    Case("GET", "/api/changelog/"),
)


def measure_case(h: Harness, tenant: Tenant, case: Case) -> Measurement:
    """Measure `case` against `tenant`, which no other case has touched."""
    path = case.path.format(**case.setup(tenant)) if case.setup else case.path
    tokens = [h.login(getattr(tenant, case.as_user)) for _ in range(case.sessions)] if case.as_user else []
    token = tokens[-1] if tokens else None
    body = case.body(tenant) if callable(case.body) else case.body
    if case.warm:
        h.measure(case.method, path, body, token)
    with clock_advanced(case.idle_seconds) if case.idle_seconds else nullcontext():
        return h.measure(case.method, path, body, token)


def run(cases: tuple[Case, ...] = CASES) -> list[str]:
    rows = []
    with Harness() as h:
        for number, case in enumerate(cases, 1):
            m = measure_case(h, seed_tenant(f"Provedor {number}", f"p{number}"), case)
            rows.append([case.label, m.status, m.calls_text(), m.items_read, case.target, case.met(m)])
    headers = ["endpoint", "status", "DynamoDB calls", "items read", "target", "ok?"]
    notes = [
        "In-process moto; each row gets a new provedor of its own, with an admin and an agent.",
        "'DynamoDB calls' counts API calls on the shared client (total: by operation); 'items read' sums",
        "Query ScannedCount, GetItem Item and BatchGetItem Responses. Authenticated rows log in first",
        "(not counted) and send that token; 'warm' rows send the request once before the measured one.",
        "S3 calls (health's bucket probe) are not counted.",
    ]
    return [render("DynamoDB calls per request", headers, rows, notes)]
