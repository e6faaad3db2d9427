"""Team chat on the local stack (a real process, its stream pump): Ana and Beto in one room, Caio outside it.
Ana posts; Beto's WebSocket gets `internal_chat_message` within a second and his unread count is 1; Caio gets
nothing and a 404 on the room; Beto marks read → 0. A private message from Ana counts 1 for Beto under Ana's id
until he reads it, and 0 for Ana. Twenty concurrent posts number the room 1…20."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aiohttp
import httpx
import pytest

from tests.e2e.conftest import LocalStackProcess, login, wait_until

pytestmark = pytest.mark.e2e
PASSWORD = "senha-forte-chat-e2e"


@pytest.fixture(scope="module")
def chat_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackProcess]:
    stack = LocalStackProcess(tmp_path_factory.mktemp("chat")).start()
    yield stack
    stack.stop()


class Person:
    def __init__(self, client: httpx.Client, user: dict[str, Any], token: str) -> None:
        self.client, self.id, self.token = client, int(user["id"]), token

    def call(self, method: str, path: str, body: Any = None, status: int = 200, **params: Any) -> Any:
        response = self.client.request(method, path, json=body, params=params or None,
                                       headers={"Authorization": f"Token {self.token}"})  # fmt: skip
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response.json() if response.content else None


@pytest.fixture(scope="module")
def people(chat_stack: LocalStackProcess) -> dict[str, Person]:
    client = chat_stack.http()
    admin_token = login(client, "demo-admin", "niochat-demo")
    admin = Person(client, client.get("/api/auth/me/", headers={"Authorization": f"Token {admin_token}"}).json(),
                   admin_token)  # fmt: skip
    found = {"ana": admin}
    for name in ("beto", "caio"):
        username = f"{name}_{uuid.uuid4().hex[:6]}"
        body = {"username": username, "email": f"{username}@e2e.example", "password": PASSWORD, "user_type": "agent",
                "first_name": name.title()}  # fmt: skip
        user = admin.call("POST", "/api/users/", body, 201)
        found[name] = Person(client, user, login(client, username, PASSWORD))
    return found


async def _first(stack: LocalStackProcess, token: str, act: Any, kinds: set[str], wait: float) -> dict[str, Any]:
    """Connect, run `act()` (in a thread), then collect the events of `kinds` for `wait` seconds after it:
    {type: [(seconds after act, event)]}."""
    seen: dict[str, list[tuple[float, dict[str, Any]]]] = {}
    async with aiohttp.ClientSession() as session, session.ws_connect(f"{stack.ws_url}?token={token}") as ws:
        await asyncio.sleep(0.5)  # the connection's own item reaches the stream first
        await asyncio.to_thread(act)
        started = time.monotonic()
        while (left := wait - (time.monotonic() - started)) > 0:
            try:
                message = await ws.receive(timeout=left)
            except TimeoutError:
                break
            if message.type == aiohttp.WSMsgType.TEXT and (event := json.loads(message.data))["type"] in kinds:
                seen.setdefault(event["type"], []).append((time.monotonic() - started, event))
    return seen


def test_a_room_message_reaches_the_room_only_and_unread_counts_stay_exact(chat_stack, people):
    ana, beto, caio = people["ana"], people["beto"], people["caio"]
    room = ana.call("POST", "/api/internal-chat/rooms/", {"name": "Plantão", "participants": [beto.id]}, 201)
    posted: dict[str, Any] = {}

    def post() -> None:
        posted.update(ana.call("POST", "/api/internal-chat/messages/", {"room": room["id"], "content": "Turno?"}, 201))

    kinds = {"internal_chat_message", "unread_count_update"}
    beto_saw, caio_saw = asyncio.run(_both(chat_stack, beto.token, caio.token, post, kinds))
    ((after, event),) = beto_saw["internal_chat_message"]
    assert after < 1.0, f"internal_chat_message after {after:.2f} s"
    assert event["data"]["message"]["id"] == posted["id"] and event["data"]["room_id"] == room["id"]
    assert beto_saw["unread_count_update"][-1][1]["data"]["total_unread"] == 1
    assert caio_saw == {}
    assert beto.call("GET", "/api/internal-chat-unread-count/") == {"total_unread": 1}
    assert beto.call("GET", "/api/internal-chat-unread-by-user/") == {str(ana.id): 1}
    assert caio.call("GET", f"/api/internal-chat/rooms/{room['id']}/", status=404)["error"] == "NotFound"
    beto.call("POST", "/api/internal-chat/messages/mark_read/", {"room": room["id"]})
    assert beto.call("GET", "/api/internal-chat-unread-count/") == {"total_unread": 0}

    # a private message: 1 for Beto under Ana's id until he reads it, 0 for Ana
    ana.call("POST", "/api/private-messages/", {"recipient": beto.id, "content": "Pode falar?"}, 201)
    assert beto.call("GET", "/api/private-unread-counts/") == {str(ana.id): 1}
    assert ana.call("GET", "/api/private-unread-counts/") == {}
    beto.call("POST", "/api/private-messages/mark_read/", {"user": ana.id})
    assert beto.call("GET", "/api/private-unread-counts/") == {}


async def _both(stack, token_b, token_c, act, kinds):
    """Beto and Caio connected at once while `act` runs (Caio listens a second longer)."""
    caio = asyncio.create_task(_first(stack, token_c, lambda: None, kinds, wait=3.0))
    beto = await _first(stack, token_b, act, kinds, wait=2.0)
    return beto, await caio


def test_twenty_concurrent_posts_number_the_room_without_gaps(chat_stack, people):
    ana, beto = people["ana"], people["beto"]
    room = ana.call("POST", "/api/internal-chat/rooms/", {"name": "Corrida", "participants": [beto.id]}, 201)
    clients = [httpx.Client(base_url=chat_stack.base_url, timeout=30) for _ in range(20)]

    def post(n: int) -> int:
        response = clients[n].post("/api/internal-chat/messages/", json={"room": room["id"], "content": f"m{n}"},
                                   headers={"Authorization": f"Token {ana.token}"})  # fmt: skip
        return response.status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(post, range(20)))
    assert statuses == [201] * 20
    wait_until(lambda: beto.call("GET", "/api/internal-chat-unread-count/")["total_unread"] == 20, timeout=5,
               what="20 unread for Beto")  # fmt: skip
    assert beto.call("GET", "/api/internal-chat-unread-by-user/") == {str(ana.id): 20}
    page = beto.call("GET", "/api/internal-chat/messages/", room=room["id"], page_size=100)
    assert page["count"] == 20 and sorted(m["content"] for m in page["results"]) == sorted(f"m{n}" for n in range(20))
    for client in clients:
        client.close()
