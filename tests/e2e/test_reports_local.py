"""Reports on the local stack (a real process, its stream pump and its timers' ticker) with the fake provider on
loopback: a scripted care story — customer messages through the inbox's webhook, the AI's hand-off, the demo
agent's replies after measured delays, a close, a CSAT answer, a reopen a day later and a second cycle — gives
the first response, reply, resolution and satisfaction figures to the second, attributed to the agent, and the
WebSocket's `dashboard_metrics` carries today's durations.

The stack's clock is stopped at each step's instant through NIOCHAT_CLOCK_OFFSET_FILE (`@<epoch>`), so every
sample is exact whatever the stack's latency."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import LocalStackProcess, first_event, login, wait_until
from tests.support.deliveries import uazapi_text
from tests.support.fake_provider import FakeProvider

pytestmark = pytest.mark.e2e

DAY = 86400


def _next_wednesday_morning() -> float:
    """10:00 in São Paulo (13:00Z) of a Wednesday at least two days ahead: inside the default opening hours, and
    later than anything the stack seeded at start."""
    day = datetime.now(UTC).replace(hour=13, minute=0, second=0, microsecond=0) + timedelta(days=2)
    return (day + timedelta(days=(2 - day.weekday()) % 7)).timestamp()


START = _next_wednesday_morning()


class Story:
    """The demo admin and agent at the desk, the customer through the webhook, the stack's clock in hand."""

    def __init__(self, stack: LocalStackProcess, fake: FakeProvider, clock_file: Path) -> None:
        self.stack, self.clock_file = stack, clock_file
        self.client = stack.http()
        self.sent = 0
        self.conversation = 0
        self.at(0)
        self.admin = self.sign_in()
        provedor = self.call("GET", "/api/auth/me/", token=self.admin)["provedor_id"]
        settings = {"provider": "uazapi", "base_url": fake.url, "instance": "eKoB39", "token": "e2e-rep-0123456789",
                    "ai_enabled": True}  # fmt: skip
        body = {"name": "WhatsApp Relatórios", "channel_type": "whatsapp", "provedor": provedor, "settings": settings}
        inbox = self.call("POST", "/api/inboxes/", body, status=201, token=self.admin)
        self.webhook = inbox["webhook_url"][inbox["webhook_url"].index("/webhook/") :]
        self.call("PATCH", "/api/csat/settings/", {"delay_minutes": 0}, token=self.admin)
        self.agent_token = login(self.client, "demo-agent", "niochat-demo")
        self.agent_id = self.call("GET", "/api/auth/me/", token=self.agent_token)["id"]

    def at(self, seconds_after_start: float) -> None:
        """Stop the stack's clock at START + `seconds_after_start`."""
        self.clock_file.write_text(f"@{START + seconds_after_start!r}")

    def sign_in(self) -> str:
        return login(self.client, "demo-admin", "niochat-demo")

    def new_day(self, seconds_after_start: float) -> None:
        """A day later the sessions of the day before have expired: both sign in again."""
        self.at(seconds_after_start)
        self.admin = self.sign_in()
        self.agent_token = login(self.client, "demo-agent", "niochat-demo")

    def call(self, method: str, path: str, body: Any = None, status: int = 200, token: str = "", **params: Any) -> Any:
        headers = {"Authorization": f"Token {token or self.admin}"}
        response = self.client.request(method, path, json=body, headers=headers, params=params or None)
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response.json()

    def customer(self, at: float, text: str) -> dict[str, Any]:
        self.sent += 1
        delivery = uazapi_text(text, f"ACE2EREP{self.sent:024d}")
        self.at(at)
        answer = self.client.post(self.webhook, json=delivery)
        assert answer.status_code == 200, answer.text
        self.conversation = answer.json().get("conversation_id") or self.conversation
        return answer.json()

    def reply(self, at: float, text: str) -> None:
        self.at(at)
        body = {"conversation_id": self.conversation, "content": text}
        response = self.client.post("/api/messages/send_text/", json=body,
                                    headers={"Authorization": f"Token {self.agent_token}"})  # fmt: skip
        assert response.status_code in (200, 201), response.text

    def act(self, at: float, action: str, body: dict[str, Any] | None = None) -> None:
        self.at(at)
        self.call("POST", f"/api/conversations/{self.conversation}/{action}/", body or {})

    def hand_off(self, at: float) -> None:
        self.at(at)
        self.call("PATCH", f"/api/conversations/{self.conversation}/", {"status": "pending"})

    def surveyed(self) -> None:
        """The close's CSAT request was made by the stream and sent by the ticker (delay 0)."""

        def sent() -> bool:
            requests = self.call("GET", "/api/csat/requests/")["results"]
            return any(r["conversation"] == self.conversation and r["status"] == "sent" for r in requests)

        wait_until(sent, timeout=20, what="the CSAT survey sent")

    def stats(self, closes: int, token: str = "", **query: Any) -> dict[str, Any]:
        """The statistics once the stream has recorded the agent's `closes` resolutions (the last fact of a
        cycle: the stream records a conversation's changes in order)."""
        return wait_until(
            lambda: (s := self.call("GET", "/api/dashboard/stats/", token=token, **query))
            and self._resolved(s) >= closes and s,
            timeout=20, what=f"{closes} resolutions in the statistics",
        )  # fmt: skip

    def _resolved(self, stats: dict[str, Any]) -> int:
        rows = [a for a in stats["atendentes"] if a["id"] == self.agent_id]
        return rows[0]["resolved"] if rows else 0


async def _dashboard_metrics(stack: LocalStackProcess, token: str, act: Any) -> dict[str, Any]:
    """Connect, run `act()` (in a thread), then return the first `dashboard_metrics` whose today has a
    resolution sample."""

    def resolved(event: dict[str, Any]) -> bool:
        return event.get("type") == "dashboard_metrics" and bool(event["data"]["today"].get("resolution_samples"))

    return await first_event(stack, token, act, resolved, 20, "dashboard_metrics with a resolution")


@pytest.fixture(scope="module")
def story(timed_stack, fake, clock_file) -> Story:
    return Story(timed_stack, fake, clock_file)


def test_a_scripted_care_story_gives_exact_figures_for_the_right_agent(story):
    story.customer(0, "Oi, minha internet caiu")  # with the AI: the conversation starts snoozed
    story.customer(20, "Alguém aí?")
    story.hand_off(60)  # the AI hands off to humans at 60 s
    story.act(90, "assign", {"user_id": story.agent_id})
    story.reply(150, "Olá! Vou verificar.")  # first response 90 s, from the hand-off, not the creation
    story.customer(200, "Obrigado")
    story.reply(245, "Pode reiniciar o roteador?")  # reply 45 s
    story.customer(300, "Reiniciei")
    story.customer(310, "Voltou!")
    story.reply(400, "Ótimo!")  # reply 100 s, from the first waiting message
    story.reply(410, "Algo mais?")  # nobody was waiting: no sample
    closed = asyncio.run(_dashboard_metrics(story.stack, story.admin, lambda: story.act(600, "close")))
    today = closed["data"]["today"]
    assert (today["first_response_seconds"], today["reply_seconds"]) == (90.0, 72.5)
    assert (today["resolution_seconds"], today["resolution_samples"]) == (600.0, 1)
    story.surveyed()
    story.customer(650, "5")  # the CSAT answer: in the closed conversation it waits for no reply

    day1 = story.stats(1, days=1)
    assert (day1["tempo_primeira_resposta_seconds"], day1["tempo_primeira_resposta"]) == (90.0, "1.5min")
    assert (day1["tempo_medio_resposta_seconds"], day1["tempo_medio_resposta"]) == (72.5, "1.2min")
    assert (day1["tempo_medio_resolucao_seconds"], day1["tempo_medio_resolucao"]) == (600.0, "10.0min")

    # A day later: reopened, answered 30 s after the reopen (a 30 s sample, not a day), closed after 300 s.
    story.new_day(DAY + 590)
    story.act(DAY + 600, "reopen")
    story.reply(DAY + 630, "Voltei para acompanhar")
    story.customer(DAY + 700, "Está tudo certo")
    story.reply(DAY + 760, "Que bom!")  # reply 60 s
    story.act(DAY + 900, "close")
    story.surveyed()
    story.customer(DAY + 960, "3")

    week = wait_until(
        lambda: (s := story.stats(2, days=7)) and s["satisfacao"]["answers"] == 2 and s,
        timeout=20, what="both CSAT answers in the statistics",
    )  # fmt: skip
    assert week["tempo_primeira_resposta_seconds"] == 60.0  # (90 + 30) / 2
    assert week["tempo_medio_resposta_seconds"] == round((45 + 100 + 60) / 3, 1)  # the replies after the first
    assert week["tempo_medio_resolucao_seconds"] == 450.0  # (600 + 300) / 2
    assert week["taxa_resolucao"] == "100%" and week["conversas_resolvidas"] == 1
    assert week["satisfacao_media"] == "4.0" and week["satisfacao"]["satisfaction_rate"] == 50.0
    assert week["satisfacao"]["response_rate"] == 100.0 and week["satisfacao"]["surveys_sent"] == 2
    (row,) = [a for a in week["atendentes"] if a["id"] == story.agent_id]
    assert (row["first_response_seconds"], row["resolved"], row["satisfaction"]) == (60.0, 2, 4.0)
    assert row["reply_seconds"] == round((45 + 100 + 60) / 3, 1) and row["messages_sent"] == 6
    assert all(a["resolved"] == 0 for a in week["atendentes"] if a["id"] != story.agent_id)

    # The agent sees the same figures as their own; the analysis counts the conversation on its first day.
    mine = story.stats(2, token=story.agent_token, days=7)
    assert mine["tempo_primeira_resposta_seconds"] == 60.0 and [a["id"] for a in mine["atendentes"]] == [story.agent_id]
    analysis = story.call("GET", "/api/analysis/", period="week")
    assert analysis["summary"]["totalConversations"] == 1 and analysis["summary"]["satisfactionRate"] == "50.0"
