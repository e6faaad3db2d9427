"""Functions isolated as on Lambda: REST requests of two users of different provedores and webhook deliveries
run concurrently against the local stack, and every response is its own caller's — no 5xx, no page link or
header taken from another request's event (each function runs in worker processes of its own). Four loops
of REQUESTS requests each, side by side (~800 requests in ~25 s on 2 cores): the race it guards against
showed up within seconds, dozens of 500s in 45 s, when functions shared one process."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

import httpx
import pytest

from tests.e2e.conftest import LocalStackProcess, login
from tests.e2e.test_realtime import PASSWORD, Rest, make_tenant
from tests.support.deliveries import uazapi_text

pytestmark = pytest.mark.e2e

REQUESTS = 200
# A loop still sending after this long has hung (the slowest loop's 200 take ~25 s on 2 cores, ~60 s busy).
TIMEOUT = 120.0


class Loop(threading.Thread):
    """Sends one kind of request REQUESTS times; `check` returns what is wrong with an answer."""

    def __init__(
        self,
        stack: LocalStackProcess,
        send: Callable[[httpx.Client], httpx.Response],
        check: Callable[[httpx.Response], str | None],
    ) -> None:
        super().__init__(daemon=True)
        self.stack, self.send, self.check = stack, send, check
        self.statuses: Counter[int] = Counter()
        self.wrong: list[str] = []

    def run(self) -> None:
        deadline = time.monotonic() + TIMEOUT
        with httpx.Client(base_url=self.stack.base_url, timeout=30) as client:
            while self.statuses.total() < REQUESTS and time.monotonic() < deadline:
                response = self.send(client)
                self.statuses[response.status_code] += 1
                problem = self.check(response)
                if problem:
                    self.wrong.append(problem)


def test_concurrent_rest_of_two_provedores_and_webhooks_each_get_their_own_answers(
    stack: LocalStackProcess,
) -> None:
    with stack.http() as client:
        root = Rest(client, login(client, "admin", "niochat-admin"))
        a, b = make_tenant(root, "a"), make_tenant(root, "b")
        for n in range(5):
            root.call(
                "POST", "/api/contacts/", {"name": f"Contato B {n}", "phone": f"1197{n:07d}", "provedor": b["id"]}, 201
            )
        admin_a, admin_b = a["people"]["admin"], b["people"]["admin"]
        token_a, token_b = login(client, admin_a["username"], PASSWORD), login(client, admin_b["username"], PASSWORD)
    as_a, as_b = {"Authorization": f"Token {token_a}"}, {"Authorization": f"Token {token_b}"}

    def me_of_a(response: httpx.Response) -> str | None:
        if response.status_code != 200 or response.json()["username"] != admin_a["username"]:
            return f"me: {response.status_code} {response.text[:200]}"
        return None

    def contacts_of_b(response: httpx.Response) -> str | None:
        body = response.json() if response.status_code == 200 else {}
        names = [contact["name"] for contact in body.get("results", [])]
        links = [link for link in (body.get("next"), body.get("previous")) if link]
        if response.status_code != 200 or not names or any(not n.startswith(("Contato B", "Cliente b")) for n in names):
            return f"contacts: {response.status_code} {response.text[:200]}"
        if any("/api/contacts/" not in link for link in links):
            return f"contacts: a page link from another request: {links}"
        return None

    def conversations_of_a(response: httpx.Response) -> str | None:
        body = response.json() if response.status_code == 200 else {}
        results = body.get("results", [])
        if response.status_code != 200 or not results or any(c["provedor"] != a["id"] for c in results):
            return f"conversations: {response.status_code} {response.text[:200]}"
        if body.get("next") and "/api/conversations/" not in body["next"]:
            return f"conversations: a page link from another request: {body['next']}"
        return None

    def stored(response: httpx.Response) -> str | None:
        if response.status_code != 200 or response.json().get("status") != "stored":
            return f"webhook: {response.status_code} {response.text[:200]}"
        return None

    loops = [
        Loop(stack, lambda c: c.get("/api/auth/me/", headers=as_a), me_of_a),
        Loop(stack, lambda c: c.get("/api/contacts/", params={"page_size": 2}, headers=as_b), contacts_of_b),
        Loop(stack, lambda c: c.get("/api/conversations/", params={"page_size": 1}, headers=as_a), conversations_of_a),
        Loop(stack, lambda c: c.post(a["webhook"], json=uazapi_text("carga concorrente")), stored),
    ]
    for loop in loops:
        loop.start()
    for loop in loops:
        loop.join(TIMEOUT + 30)
    statuses = sum((loop.statuses for loop in loops), Counter())
    assert not [loop for loop in loops if loop.is_alive()]
    assert all(loop.statuses.total() == REQUESTS for loop in loops), [loop.statuses for loop in loops]
    assert not any(status >= 500 for status in statuses), statuses
    assert [problem for loop in loops for problem in loop.wrong] == []
