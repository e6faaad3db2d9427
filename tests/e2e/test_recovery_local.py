"""Recovery on the local stack (a real process: its stream pump runs the recovery listener, its ticker the
timers) with the fake provider, the stack's clock moved through NIOCHAT_CLOCK_OFFSET_FILE: a lead who mentioned
"plano" and went quiet gets the first attempt after delay_minutes and the second after recovery_interval, never a
third; its reply counts one recovery in /api/recovery/stats/; an assigned or a closed conversation gets no
attempt."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import LocalStackProcess, login, wait_until
from tests.support.deliveries import uazapi_text_from
from tests.support.fake_provider import FakeProvider

pytestmark = pytest.mark.e2e

ATTEMPT = "Olá Tito! Vi que você demonstrou interesse em nossos planos de internet."


class Desk:
    def __init__(self, stack: LocalStackProcess, fake: FakeProvider, clock_file: Path) -> None:
        self.client, self.fake, self.clock_file = stack.http(), fake, clock_file
        self.start = time.time()
        self.move(0)
        self.headers = {"Authorization": f"Token {login(self.client, 'demo-admin', 'niochat-demo')}"}
        me = self.call("GET", "/api/auth/me/")
        self.provedor = me["provedor_id"]
        settings = {"provider": "uazapi", "base_url": fake.url, "instance": "eKoB39", "token": "e2e-recovery-012345"}
        inbox = self.call("POST", "/api/inboxes/", {"name": "WhatsApp Vendas", "channel_type": "whatsapp",
                                                    "provedor": self.provedor, "settings": settings}, 201)  # fmt: skip
        self.webhook = inbox["webhook_url"][inbox["webhook_url"].index("/webhook/") :]
        self.call("POST", f"/api/recovery/settings/{self.provedor}/", {"enabled": True, "delay_minutes": 5,
                  "recovery_interval": 10, "max_attempts": 2, "quiet_hours": False})  # fmt: skip
        self.sent = 0

    def move(self, seconds: float) -> None:
        """Stop the stack's clock `seconds` after the start."""
        self.clock_file.write_text(f"@{self.start + seconds!r}")

    def call(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        response = self.client.request(method, path, json=body, headers=self.headers)
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response.json()

    def say(self, text: str, number: str) -> int:
        self.sent += 1
        answer = self.client.post(self.webhook, json=uazapi_text_from(number, text, f"ACE2EREC{self.sent:024d}"))
        assert answer.status_code == 200 and answer.json()["status"] == "stored", answer.text
        return int(answer.json()["conversation_id"])

    def attempts_to(self, number: str) -> list[str]:
        return [r.json["text"] for r in self.fake.requests_to("/send/text") if r.json["number"].split("@")[0] == number]


def test_a_quiet_lead_is_attempted_spaced_capped_and_recovered(timed_stack, fake, clock_file):
    desk = Desk(timed_stack, fake, clock_file)
    lead = "5594992220001"
    desk.say("Oi! Quanto custa o plano de 300 mega?", lead)
    taken = desk.say("queria saber dos planos também", "5594992220002")
    closed = desk.say("quero instalar internet em casa", "5594992220003")
    # The customer messages through the stream pump (each conversation watched) before two are taken or closed.
    wait_until(lambda: len(desk.call("GET", "/api/recovery/stats/")["conversations"]) == 3, 15, "three leads watched")
    desk.call("POST", f"/api/conversations/{taken}/assign/", {})
    desk.call("POST", f"/api/conversations/{closed}/close/", {})
    desk.move(4 * 60)
    time.sleep(2.5)
    assert desk.attempts_to(lead) == []  # before delay_minutes
    desk.move(6 * 60)
    first = wait_until(lambda: desk.attempts_to(lead), 15, "the first attempt")
    assert len(first) == 1 and first[0].startswith(ATTEMPT)
    desk.move(16 * 60 + 30)
    wait_until(lambda: len(desk.attempts_to(lead)) == 2, 15, "the second attempt")
    desk.move(40 * 60)
    time.sleep(3)
    assert len(desk.attempts_to(lead)) == 2  # max_attempts
    assert desk.attempts_to("5594992220002") == []  # assigned: no attempt
    assert [t for t in desk.attempts_to("5594992220003") if "demonstrou interesse" in t] == []  # closed: none
    desk.say("Oi, desculpa a demora, quero contratar!", lead)
    stats = wait_until(
        lambda: (s := desk.call("GET", "/api/recovery/stats/"))["stats"]["successful_recoveries"] == 1 and s,
        15,
        "the recovery",
    )
    assert stats["stats"]["total_attempts"] == 2 and stats["stats"]["conversion_rate"] == 100.0
    assert stats["stats"]["recent_activities"][0]["status"] == "recovered"
    leads = {c["phone"].lstrip("+"): c["status"] for c in stats["conversations"]}
    assert leads == {lead: "recovered", "5594992220002": "stopped", "5594992220003": "stopped"}
    assert stats["stats"]["pending_recoveries"] == 0
