"""Recovery campaigns on moto through the real functions: customers' WhatsApp messages (the webhooks function),
the stream's recovery listener (StreamTap), the timers' sweep with the clock moved, and the attempts sent to a
fake provider on loopback; settings and statistics over the REST handlers."""

from __future__ import annotations

import itertools
import time

import pytest

from infra.contract.websocket import RecoveryUpdateData
from niochat import clock
from niochat.timers import sweep
from tests.integration.conftest import login, post_webhook
from tests.integration.realtime.kit import StreamTap, connect, install_fake_api
from tests.integration.webhook_world import make_inbox, uazapi
from tests.support.fake_provider import FakeProvider

TEXT = "from-others-text.sent.json"
_ids = itertools.count(1)
FIRST = "Olá Tito! Vi que você demonstrou interesse em nossos planos de internet."


def say(text: str) -> dict:
    n = next(_ids)
    payload = uazapi(TEXT, messageid=f"RC{n:030d}", id=f"x:RC{n:030d}", text=text)
    payload["message"]["content"]["text"] = text
    return payload


class World:
    def __init__(self, api, tenant, fake, monkeypatch) -> None:
        self.api, self.fake = api, fake
        self.pid = tenant["provedor"]["id"]
        self.at = time.time()
        monkeypatch.setattr(clock, "now", lambda: self.at)
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

    def customer(self, text: str, handled: bool = True) -> int:
        """The customer's message, stored; `handled=False` leaves its stream record for the next drain (the
        stream running behind)."""
        answer = post_webhook(say(text)).json
        assert answer["status"] == "stored", answer
        if handled:
            self.tap.drain()
        return int(answer["conversation_id"])

    def forward(self, minutes: float) -> None:
        self.at += minutes * 60
        sweep.sweep()
        self.tap.drain()

    def sent(self) -> list[str]:
        return [r.json["text"] for r in self.fake.requests_to("/send/text")]

    def lead(self) -> dict:
        (lead,) = self.stats()["conversations"]
        return lead

    def stats(self) -> dict:
        self.admin = login(self.api, "admin_a", "senha-forte-1")  # the clock moved past the session's idle time
        response = self.api.get("/api/recovery/stats/", token=self.admin)
        assert response.status == 200, response.json
        return response.json


@pytest.fixture
def world(api, tenant, monkeypatch):
    monkeypatch.setenv("PROVIDER_MAX_ATTEMPTS", "1")
    with FakeProvider() as fake:
        yield World(api, tenant, fake, monkeypatch)


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
    assert [u["data"]["status"] for u in updates] == ["pending", "sent"]
    assert set(updates[-1]["data"]) == set(RecoveryUpdateData.model_fields)  # the contract's shape
    assert updates[-1]["data"]["attempt_number"] == 1 and updates[-1]["data"]["sent_at"]
    world.at += 600
    world.customer("sim, tenho interesse!")
    world.customer("qual o preço?")
    world.forward(24 * 60)
    assert len(world.sent()) == 1  # no attempt after the reply
    stats = world.stats()["stats"]
    assert stats["successful_recoveries"] == 1 and stats["pending_recoveries"] == 0
    assert stats["conversion_rate"] == 100.0 and stats["recent_activities"][0]["status"] == "recovered"
    statuses = [u["data"]["status"] for u in world.management.received("admin", "recovery_update")]
    assert statuses == ["pending", "sent", "recovered"]  # recovered once, whatever the customer wrote after


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


def test_delay_minutes_zero_attempts_at_the_next_sweep_and_each_customer_message_restarts_the_wait(world):
    world.configure(delay_minutes=0)
    world.customer("tem plano de 500 mega?")
    world.forward(0)
    assert len(world.sent()) == 1  # no silence asked for: the first sweep after the message
    world.customer("e qual o preço?")  # an answer: recovered (no second attempt)
    assert world.lead()["status"] == "recovered"

    world.configure(delay_minutes=30)
    world.api.post(f"/api/conversations/{world.lead()['conversation_id']}/close/", {}, token=world.admin)
    world.tap.drain()
    world.customer("oi de novo, quero um plano")  # a new conversation, a new lead
    world.forward(20)
    world.customer("vocês atendem no centro?")  # the customer is not quiet yet: the wait starts again
    world.forward(29)
    assert len(world.sent()) == 1
    world.forward(2)
    assert len(world.sent()) == 2


def test_a_customer_message_the_stream_has_not_handled_yet_still_holds_the_attempt(world):
    """The timer fires while the customer's newest message is stored but not yet through the stream: the
    conversation's last message shows it, the attempt waits `delay_minutes` from it."""
    world.customer("quanto custa o plano?")
    world.forward(29)
    world.customer("alô?", handled=False)
    world.forward(2)  # the timer, first; then the stream
    assert world.sent() == []
    world.forward(27)
    assert world.sent() == []
    world.forward(2)  # 30 minutes after "alô?"
    assert len(world.sent()) == 1


def test_a_failed_attempt_is_recorded_and_the_next_one_still_goes_out(world):
    from tests.support.fake_provider import Reply

    world.fake.script("POST", "/send/text", Reply(500, {"error": "instance offline"}))
    world.customer("quero um plano")
    world.forward(31)
    (failed,) = world.stats()["stats"]["recent_activities"]
    assert failed["status"] == "failed" and failed["sent_at"] is None and failed["attempt_number"] == 1
    assert world.stats()["stats"]["pending_recoveries"] == 0
    world.forward(61)
    assert len(world.sent()) == 2  # the failed one reached the provider too
    stats = world.stats()["stats"]
    assert [a["status"] for a in stats["recent_activities"]] == ["sent", "failed"]
    assert stats["total_attempts"] == 2 and stats["pending_recoveries"] == 1
    world.forward(49 * 60)
    stats = world.stats()["stats"]
    assert [a["status"] for a in stats["recent_activities"]] == ["no_response", "failed"]
    assert stats["pending_recoveries"] == 0 and world.lead()["status"] == "no_response"


@pytest.mark.parametrize(("hours", "recovered"), [(47, True), (49, False)])
def test_an_answer_within_48_hours_recovers_and_a_later_one_only_stops_the_campaign(world, hours, recovered):
    world.configure(recovery_interval=72 * 60)  # the second attempt would come 72 h after the first
    world.customer("quero contratar o plano")
    world.forward(31)
    assert len(world.sent()) == 1
    world.forward(hours * 60)
    world.customer("oi, voltei! ainda dá?")
    world.forward(30 * 60)
    assert len(world.sent()) == 1  # the campaign stopped at the answer, whenever it came
    stats = world.stats()["stats"]
    assert stats["successful_recoveries"] == (1 if recovered else 0) and stats["pending_recoveries"] == 0
    assert stats["recent_activities"][0]["status"] == ("recovered" if recovered else "no_response")
    assert world.lead()["status"] == ("recovered" if recovered else "stopped")


def test_an_agent_taking_the_conversation_between_attempts_or_as_one_is_due_stops_it(world):
    conversation_id = world.customer("queria instalar internet")
    world.forward(31)
    assert len(world.sent()) == 1
    assert world.api.post(f"/api/conversations/{conversation_id}/assign/", {}, token=world.admin).status == 200
    world.tap.drain()
    world.forward(24 * 60)
    assert len(world.sent()) == 1
    stats = world.stats()
    assert stats["stats"]["recent_activities"][0]["status"] == "no_response"
    assert stats["stats"]["pending_recoveries"] == 0 and world.lead()["status"] == "stopped"


def test_an_agent_taking_it_just_before_the_timer_fires_gets_no_attempt(world):
    """The assignment is stored but not yet through the stream when the timer runs: the timer reads the
    conversation itself."""
    conversation_id = world.customer("qual a velocidade do plano básico?")
    world.forward(29)
    assert world.api.post(f"/api/conversations/{conversation_id}/assign/", {}, token=world.admin).status == 200
    world.forward(2)  # the timer first, then the stream
    assert world.sent() == [] and world.lead()["status"] == "stopped"


def test_turning_recovery_off_stops_the_live_leads(world):
    world.customer("me fala dos planos")
    world.configure(enabled=False)
    world.forward(31)
    assert world.sent() == [] and world.lead()["status"] == "stopped"
    world.configure(enabled=True)
    world.forward(24 * 60)
    assert world.sent() == []


def test_a_timer_run_again_never_sends_early_and_a_run_that_died_is_picked_up(world, monkeypatch):
    """Two runs of one lead's timer: one that starts while another is sending (a sweep that took the timer
    after a lease) finds the attempt made and not due; a run that died after sending leaves its timer to the
    next sweep after the lease, which sends nothing early."""
    from niochat.recovery import attempts

    conversation_id = world.customer("quero um plano de internet")
    world.at += 31 * 60
    real_send = attempts._send
    inner: list[str] = []

    def racing_send(*args):
        inner.append(attempts.run(world.pid, conversation_id))  # the racing run, while the first one sends
        return real_send(*args)

    monkeypatch.setattr(attempts, "_send", racing_send)
    assert attempts.run(world.pid, conversation_id) == "attempt 1 sent"
    assert inner == ["not due yet"] and len(world.sent()) == 1
    monkeypatch.setattr(attempts, "_send", real_send)

    real_record = attempts._record
    monkeypatch.setattr(attempts, "_record", lambda *args: (_ for _ in ()).throw(RuntimeError("the sweep died")))
    world.forward(60)
    assert len(world.sent()) == 2  # attempt 2 went out; its record and next timer did not
    monkeypatch.setattr(attempts, "_record", real_record)
    world.forward(2)  # after the lease: the timer runs again
    assert len(world.sent()) == 2
    world.forward(49 * 60)
    assert len(world.sent()) == 2 and world.lead()["status"] == "no_response"


def _local(when: str) -> float:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(when).replace(tzinfo=ZoneInfo("America/Sao_Paulo")).timestamp()


@pytest.mark.parametrize(
    ("start", "sent_at"),
    [
        ("2026-12-07T07:58:30", "2026-12-07T08:00:00"),  # due 07:59:30 on a Monday: held until 08:00
        ("2026-12-07T17:58:59", "2026-12-07T17:59:59"),  # due 17:59:59: inside the hours
        ("2026-12-11T17:59:00", "2026-12-14T08:00:00"),  # due 18:00:00 on a Friday: held over the weekend
    ],
)
def test_quiet_hours_hold_an_attempt_until_the_provedor_opens(world, start, sent_at):
    """The default calendar (weekdays 08:00-18:00, São Paulo), to the second at both edges."""
    world.at = _local(start)
    world.configure(quiet_hours=True, delay_minutes=1)
    world.customer("quero um plano")
    world.forward(1)
    if world.at < _local(sent_at):
        assert world.sent() == []
        world.at = _local(sent_at) - 1
        world.forward(0)
        assert world.sent() == []
        world.at = _local(sent_at)
        world.forward(0)
    assert len(world.sent()) == 1
    (attempt,) = world.stats()["stats"]["recent_activities"]
    assert clock.epoch(attempt["sent_at"]) == pytest.approx(_local(sent_at), abs=1)


def test_settings_bounds_and_who_may_change_them(world, api):
    assert world.configure(delay_minutes=0)["delay_minutes"] == 0
    for body in ({"recovery_interval": 0}, {"max_attempts": 0}, {"delay_minutes": -1}, {"message": "Oi {x}"},
                 {"keywords": []}, {"discount_percentage": 0}, {"enabled": "sim"}):  # fmt: skip
        bad = api.post(f"/api/recovery/settings/{world.pid}/", body, token=world.admin)
        assert bad.status == 400 and bad.json["details"]["field"] == next(iter(body)), (body, bad.json)
    assert world.configure(keywords=["Plano", "PREÇO", "plano "])["keywords"] == ["plano", "preço"]
    root = login(api, "root", "senha-forte-0")
    changed = api.post(f"/api/recovery/settings/{world.pid}/", {"max_attempts": 5}, token=root)
    assert changed.status == 200 and changed.json["provedor"] == world.pid and changed.json["max_attempts"] == 5
    assert api.get("/api/recovery/settings/", token=root, query={"provedor": str(world.pid)}).json["max_attempts"] == 5
    nowhere = api.post("/api/recovery/settings/999/", {"max_attempts": 5}, token=root)
    assert nowhere.status == 400 and nowhere.json["details"]["field"] == "provedor"
    for path in ("/api/recovery/settings/", "/api/recovery/stats/"):
        assert api.get(path, token=world.agent).status == 403


def test_stats_are_exact_counters_and_cost_the_same_calls_at_any_volume(world):
    from niochat.store import clients
    from niochat.store import recovery as store
    from niochat.store.table import table
    from niochat.store.writes import Put

    world.customer("quero contratar um plano")
    world.forward(31)

    def calls_of_stats() -> list[tuple[str, int | None]]:
        token = login(world.api, "admin_a", "senha-forte-1")
        calls: list[tuple[str, int | None]] = []

        def count(event_name: str, params: dict, **_: object) -> None:
            calls.append((event_name.rsplit(".", 1)[-1], params.get("Limit")))

        events = clients.dynamodb().meta.events
        events.register("provide-client-params.dynamodb", count)
        try:
            assert world.api.get("/api/recovery/stats/", token=token).status == 200
        finally:
            events.unregister("provide-client-params.dynamodb", count)
        return calls

    few = calls_of_stats()
    for n in range(1, 61):  # 60 more leads and attempts of other conversations, written as the timers would
        attempt = {"id": 10_000 + n, "conversation_id": 1000 + n, "attempt_number": 1, "status": "no_response",
                   "message_sent": "Oi", "sent_at": None, "reason": "", "contact_name": "", "phone": ""}  # fmt: skip
        table().write(store.put_attempt_op(world.pid, attempt))
        pk, sk = store.lead_key(world.pid, 1000 + n)
        table().write(Put("lead", {"PK": pk, "SK": sk, "type": store.LEAD, "provedor_id": world.pid,
                                   "conversation_id": 1000 + n, "status": "no_response", "attempts": 1}))  # fmt: skip
    many = calls_of_stats()
    assert many == few and ("Scan", None) not in many
    assert [c for c in many if c[0] == "Query"] == [("Query", 20), ("Query", 20)]
    stats = world.stats()["stats"]
    assert stats["total_attempts"] == 1 and stats["pending_recoveries"] == 1  # the counters, not a count of items


@pytest.mark.parametrize("meanwhile", ["answer", "assign"])
def test_an_answer_or_an_agent_while_the_attempt_is_being_sent(world, monkeypatch, meanwhile):
    """The stream handles the customer's answer (or an agent's assignment) while the timer is still sending:
    the answer recovers the lead with that attempt; the assignment leaves it `no_response`; either way nothing
    stays counted as pending and no later attempt comes."""
    from niochat.recovery import attempts

    conversation_id = world.customer("quero contratar internet")
    real_send = attempts._send

    def send_and_meanwhile(*args):
        sent = real_send(*args)
        if meanwhile == "answer":
            world.customer("opa, quero sim!")
        else:
            assert world.api.post(f"/api/conversations/{conversation_id}/assign/", {}, token=world.admin).status == 200
            world.tap.drain()
        return sent

    monkeypatch.setattr(attempts, "_send", send_and_meanwhile)
    world.forward(31)
    monkeypatch.setattr(attempts, "_send", real_send)
    world.forward(49 * 60)
    assert len(world.sent()) == 1
    stats = world.stats()["stats"]
    (attempt,) = stats["recent_activities"]
    assert attempt["status"] == ("recovered" if meanwhile == "answer" else "no_response") and attempt["sent_at"]
    assert stats["pending_recoveries"] == 0 and stats["successful_recoveries"] == (meanwhile == "answer")
    assert world.lead()["status"] == ("recovered" if meanwhile == "answer" else "stopped")
