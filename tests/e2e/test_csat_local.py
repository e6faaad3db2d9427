"""CSAT on the local stack (a real process, its stream pump and its timers' ticker) with the fake provider on
loopback: a close with delay 0 puts the survey on the provider within 15 s; "🙂" is an answer (feedback 4, the
thank-you, `csat_update` on the WebSocket, today's statistics); "minha internet caiu" is a normal message; a
reopened and re-closed conversation is surveyed again; an unanswered survey expires once the stack's clock
(NIOCHAT_CLOCK_OFFSET_FILE) is moved past `expiry_minutes`."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import LocalStackProcess, first_event, login, wait_until
from tests.support.deliveries import uazapi_text
from tests.support.fake_provider import FakeProvider

pytestmark = pytest.mark.e2e

SURVEY = "Olá Tito! Gostaríamos de saber como foi seu atendimento na"
THANKS = "Obrigado pelo seu feedback!"


class Desk:
    """The demo admin's REST calls, and the customer's deliveries through the inbox's webhook URL."""

    def __init__(self, stack: LocalStackProcess, fake: FakeProvider) -> None:
        self.client = stack.http()
        self.token = login(self.client, "demo-admin", "niochat-demo")
        self.headers = {"Authorization": f"Token {self.token}"}
        provedor = self.call("GET", "/api/auth/me/")["provedor_id"]
        settings = {"provider": "uazapi", "base_url": fake.url, "instance": "eKoB39", "token": "e2e-csat-0123456789"}
        body = {"name": "WhatsApp CSAT", "channel_type": "whatsapp", "provedor": provedor, "settings": settings}
        inbox = self.call("POST", "/api/inboxes/", body, status=201)
        self.webhook = inbox["webhook_url"][inbox["webhook_url"].index("/webhook/") :]
        self.call("PATCH", "/api/csat/settings/", {"delay_minutes": 0, "expiry_minutes": 1})
        self.sent = 0

    def call(self, method: str, path: str, body: Any = None, status: int = 200, **params: Any) -> Any:
        response = self.client.request(method, path, json=body, headers=self.headers, params=params or None)
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response.json()

    def say(self, text: str) -> dict[str, Any]:
        self.sent += 1
        answer = self.client.post(self.webhook, json=uazapi_text(text, f"ACE2ECSAT{self.sent:023d}"))
        assert answer.status_code == 200, answer.text
        return answer.json()

    def requests(self, conversation_id: int) -> list[dict[str, Any]]:
        return [r for r in self.call("GET", "/api/csat/requests/")["results"] if r["conversation"] == conversation_id]


def texts(fake: FakeProvider) -> list[str]:
    return [r.json["text"] for r in fake.requests_to("/send/text")]


async def _csat_update(stack: LocalStackProcess, token: str, answer: Any) -> dict[str, Any]:
    """Connect, then run `answer()` (in a thread) and wait for the csat_update it causes."""
    return await first_event(stack, token, answer, lambda event: event.get("type") == "csat_update", 15, "csat_update")


def test_a_close_is_surveyed_answered_thanked_and_counted(timed_stack, fake, clock_file):
    desk = Desk(timed_stack, fake)
    first = desk.say("Oi, preciso de ajuda")
    assert first["event"] == "message"
    conversation = first["conversation_id"]
    desk.call("POST", f"/api/conversations/{conversation}/close/", {})
    wait_until(lambda: any(t.startswith(SURVEY) for t in texts(fake)), timeout=15, what="the survey on the provider")
    wait_until(lambda: desk.requests(conversation)[0]["status"] == "sent", timeout=5, what="the request sent")

    answered: dict[str, Any] = {}
    event = asyncio.run(_csat_update(timed_stack, desk.token, lambda: answered.update(desk.say("🙂"))))
    assert answered["event"] == "csat_answer" and answered["rating"] == 4
    assert event["data"]["conversation_id"] == conversation and event["data"]["rating"] == 4
    wait_until(lambda: any(t.startswith(THANKS) for t in texts(fake)), timeout=15, what="the thank-you")
    assert desk.call("GET", f"/api/conversations/{conversation}/")["status"] == "closed"
    stats = wait_until(lambda: (s := desk.call("GET", "/api/csat/feedbacks/stats/"))["total_feedbacks"] and s,
                       timeout=10, what="the answer in the statistics")  # fmt: skip
    assert stats["daily_stats"][-1]["count"] == 1 and stats["average_rating"] == 4.0

    # surveyed again after a reopen and a new close; a message that is no rating is a normal one
    desk.call("POST", f"/api/conversations/{conversation}/reopen/", {})
    desk.call("POST", f"/api/conversations/{conversation}/close/", {})
    wait_until(lambda: len([t for t in texts(fake) if t.startswith(SURVEY)]) == 2, timeout=15, what="survey 2")
    wait_until(lambda: desk.requests(conversation)[0]["status"] == "sent", timeout=5, what="request 2 sent")
    normal = desk.say("minha internet caiu")
    assert normal["event"] == "message" and normal["conversation_id"] != conversation
    assert desk.call("GET", "/api/csat/feedbacks/")["count"] == 1

    # nobody answers: a minute later (the stack's clock moved) the survey has expired
    clock_file.write_text("120")
    wait_until(lambda: desk.requests(conversation)[0]["status"] == "expired", timeout=15, what="the expiry")
    assert sorted(r["status"] for r in desk.requests(conversation)) == ["answered", "expired"]
    assert httpx.get(f"{timed_stack.base_url}/api/health/").status_code == 200
