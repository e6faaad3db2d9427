"""Recovery campaigns on moto through the real functions: customers' WhatsApp messages (the webhooks function),
the stream's recovery listener (StreamTap), the timers' sweep with the clock moved, and the attempts sent to a
fake provider on loopback; settings and statistics over the REST handlers."""

from __future__ import annotations

import pytest

from niochat.timers import sweep
from tests.integration.conftest import login, post_webhook
from tests.integration.realtime.kit import StreamTap, connect, install_fake_api
from tests.integration.webhook_world import customer_text, make_inbox
from tests.support.moved_clock import MovedClock

FIRST = "Olá Tito! Vi que você demonstrou interesse em nossos planos de internet."


class World:
    def __init__(self, api, tenant, fake, monkeypatch) -> None:
        self.api, self.fake = api, fake
        self.pid = tenant["provedor"]["id"]
        self.clock = MovedClock(monkeypatch)
        make_inbox(self.pid, base_url=fake.url)
        self.admin = login(api, "admin_a", "senha-forte-1")
        self.agent = login(api, "agent_a", "senha-forte-2")
        self.management = install_fake_api(monkeypatch)
        connect("admin", self.admin)
        self.tap = StreamTap()
        self.configure(enabled=True, delay_minutes=30, recovery_interval=60, max_attempts=2, quiet_hours=False)

    def configure(self, **changes):
        self.admin = login(self.api, "admin_a", "senha-forte-1")
        response = self.api.post(f"/api/recovery/settings/{self.pid}/", changes, token=self.admin)
        assert response.status == 200, response.json
        return response.json

    def customer(self, text: str) -> int:
        answer = post_webhook(customer_text(text)).json
        assert answer["status"] == "stored", answer
        self.tap.drain()
        return int(answer["conversation_id"])

    def forward(self, minutes: float) -> None:
        self.clock.forward(minutes * 60)
        sweep.sweep()
        self.tap.drain()

    def sent(self) -> list[str]:
        return [r.json["text"] for r in self.fake.requests_to("/send/text")]

    def stats(self) -> dict:
        self.admin = login(self.api, "admin_a", "senha-forte-1")  # the clock moved past the session's idle time
        response = self.api.get("/api/recovery/stats/", token=self.admin)
        assert response.status == 200, response.json
        return response.json


@pytest.fixture
def world(api, tenant, fake_provider, monkeypatch):
    monkeypatch.setenv("PROVIDER_MAX_ATTEMPTS", "1")
    return World(api, tenant, fake_provider, monkeypatch)


def test_a_quiet_lead_gets_its_attempts_spaced_and_never_more_than_max(world):
    conversation_id = world.customer("Oi, quais planos de internet vocês têm?")
    world.forward(29)
    assert world.sent() == []  # before delay_minutes
    world.forward(2)
    assert len(world.sent()) == 1 and world.sent()[0].startswith(FIRST)
    world.forward(59)
    assert len(world.sent()) == 1
    world.forward(2)
    assert len(world.sent()) == 2
    world.forward(24 * 60)
    world.forward(49 * 60)
    assert len(world.sent()) == 2  # max_attempts
    stats = world.stats()
    assert stats["stats"]["total_attempts"] == 2 and stats["stats"]["successful_recoveries"] == 0
    assert stats["stats"]["pending_recoveries"] == 0 and stats["stats"]["conversion_rate"] == 0.0
    assert [a["status"] for a in stats["stats"]["recent_activities"]] == ["no_response", "no_response"]
    assert [a["attempt_number"] for a in stats["stats"]["recent_activities"]] == [2, 1]
    (lead,) = stats["conversations"]
    assert lead["conversation_id"] == conversation_id and lead["status"] == "no_response" and lead["attempts"] == 2


def test_a_reply_recovers_once_and_stops_the_campaign(world):
    world.customer("quero contratar internet")
    world.forward(31)
    assert len(world.sent()) == 1
    updates = world.management.received("admin", "recovery_update")
    assert [u["data"]["status"] for u in updates] == ["pending", "sent"] or updates[-1]["data"]["status"] == "sent"
    world.clock.forward(600)
    world.customer("sim, tenho interesse!")
    world.customer("qual o preço?")
    world.forward(24 * 60)
    assert len(world.sent()) == 1  # no attempt after the reply
    stats = world.stats()["stats"]
    assert stats["successful_recoveries"] == 1 and stats["pending_recoveries"] == 0
    assert stats["conversion_rate"] == 100.0 and stats["recent_activities"][0]["status"] == "recovered"
    assert world.management.received("admin", "recovery_update")[-1]["data"]["status"] == "recovered"


def test_messages_without_a_keyword_and_taken_or_closed_conversations_get_nothing(world):
    world.customer("bom dia, tudo bem?")
    world.forward(31)
    assert world.sent() == []
    conversation_id = world.customer("queria saber dos planos")
    taken = world.api.post(f"/api/conversations/{conversation_id}/assign/", {}, token=world.admin)
    assert taken.status == 200, taken.json
    world.tap.drain()
    world.forward(31)
    assert world.sent() == []
    assert world.stats()["conversations"][0]["status"] == "stopped"


def test_a_disabled_campaign_sends_nothing_and_settings_are_admins_own(world, api):
    assert world.configure(enabled=False)["auto_recovery"] is False
    world.customer("quanto custa o plano de 300 mega?")
    world.forward(31)
    assert world.sent() == []
    assert api.post(f"/api/recovery/settings/{world.pid}/", {"enabled": True}, token=world.agent).status == 403
    other = api.post(f"/api/recovery/settings/{world.pid + 1}/", {"enabled": True}, token=world.admin)
    assert other.status == 400 and other.json["details"]["field"] == "provedor"
    bad = api.post(f"/api/recovery/settings/{world.pid}/", {"recovery_interval": 0, "message": "Oi {x}"},
                   token=world.admin)  # fmt: skip
    assert bad.status == 400
    shown = world.configure(auto_recovery=True, message="Oi {nome}, do {provedor}!", auto_discount=True,
                            discount_percentage=15)  # fmt: skip
    assert shown["enabled"] is True and shown["keywords"][0] == "plano"
    world.customer("me fala do plano")
    world.forward(31)
    assert world.sent() == ["Oi Tito, do Provedor A! Temos 15% de desconto para você contratar agora!"]


def test_use_ai_sends_the_models_short_text_and_falls_back_to_the_template(world):
    from tests.support.fake_model import FakeModel

    with FakeModel() as model:
        ai = {"enabled": True, "base_url": model.base_url, "api_key": "sk-recovery-0123456789"}
        assert world.api.call("PATCH", "/api/integrations/ai/", ai, token=world.admin).status == 200
        world.configure(use_ai=True)
        model.reply(
            model.text("Oi Tito! Ainda pensando no plano? Posso te ajudar a escolher 😊"), model.text("x" * 300)
        )
        world.customer("qual o preço do plano?")
        world.forward(31)
        world.forward(61)
        first, second = world.sent()
        assert first == "Oi Tito! Ainda pensando no plano? Posso te ajudar a escolher 😊"
        assert second.startswith(FIRST)  # 300 characters is over the limit: the template
        assert "no máximo 200 caracteres" in model.bodies()[0]["messages"][0]["content"]


def test_a_closed_conversation_gets_no_attempt(world):
    conversation_id = world.customer("quero instalar internet na minha casa")
    closed = world.api.post(f"/api/conversations/{conversation_id}/close/", {}, token=world.admin)
    assert closed.status == 200, closed.json
    world.tap.drain()
    world.forward(31)
    sent = [t for t in world.sent() if "demonstrou interesse" in t]
    assert sent == [] and world.stats()["conversations"][0]["status"] == "stopped"
