"""CSAT on moto, end to end through the real functions: a close makes a request (the stream's csat listener),
the timers send the survey through the provider (the fake provider on loopback, real HTTP), the customer's
WhatsApp answer becomes feedback (thank-you, `csat_update`, statistics), anything else stays a normal
message; reopening cancels, a new close surveys again, an unanswered survey expires. The clock is moved."""

from __future__ import annotations

import pytest

from niochat import clock
from niochat.store import csat as csat_store
from niochat.timers import sweep
from tests.integration.conftest import login, post_webhook
from tests.integration.realtime.kit import StreamTap, connect, install_fake_api
from tests.integration.webhook_world import customer_text, make_inbox, messages_of, uazapi
from tests.support.fake_provider import OWNER, Reply
from tests.support.moved_clock import MovedClock


class World:
    def __init__(self, api, tenant, fake, monkeypatch) -> None:
        self.api, self.fake = api, fake
        self.pid = tenant["provedor"]["id"]
        self.agent = tenant["agent"]
        self.clock = MovedClock(monkeypatch)
        self.inbox, _ = make_inbox(self.pid, base_url=fake.url)
        self.admin = login(api, "admin_a", "senha-forte-1")
        self.agent_token = login(api, "agent_a", "senha-forte-2")
        self.management = install_fake_api(monkeypatch)
        self.tap = StreamTap()
        connect("admin", self.admin)
        connect("agent", self.agent_token)
        self.settings(delay_minutes=0)
        first = post_webhook(customer_text("Oi, preciso de ajuda")).json
        self.conversation_id, self.contact_id = first["conversation_id"], first["contact_id"]
        self.act("assign", {"user_id": self.agent["id"]})
        self.settle()
        self.management.clear()

    def settings(self, **changes) -> dict:
        response = self.api.call("PATCH", "/api/csat/settings/", changes, token=self.admin)
        assert response.status == 200, response.json
        return response.json

    def act(self, action: str, body: dict | None = None, conversation_id: int | None = None) -> dict:
        target = conversation_id or self.conversation_id
        response = self.api.post(f"/api/conversations/{target}/{action}/", body or {}, token=self.admin)
        assert response.status == 200, response.json
        return response.json

    def settle(self) -> None:
        """The stream delivered, then one timers' tick, then the stream again."""
        self.tap.drain()
        sweep.sweep()
        self.tap.drain()

    def requests(self, **query) -> list[dict]:
        response = self.api.get("/api/csat/requests/", token=self.admin, query={k: str(v) for k, v in query.items()})
        assert response.status == 200, response.json
        return response.json["results"]

    def stats(self, token: str | None = None) -> dict:
        response = self.api.get("/api/csat/feedbacks/stats/", token=token or self.admin, query={"days": "7"})
        assert response.status == 200, response.json
        return response.json

    def sent_texts(self) -> list[str]:
        return [r.json["text"] for r in self.fake.requests_to("/send/text")]


@pytest.fixture
def world(api, tenant, fake_provider, monkeypatch) -> World:
    monkeypatch.setenv("PROVIDER_MAX_ATTEMPTS", "1")
    return World(api, tenant, fake_provider, monkeypatch)


def test_a_close_is_surveyed_and_the_answer_becomes_feedback(world):
    world.act("close")
    world.tap.drain()
    (request,) = world.requests()
    assert request["status"] == "pending" and request["agent"] == world.agent["id"]
    sweep.sweep()
    (survey,) = world.sent_texts()
    assert survey.startswith("Olá Tito! Gostaríamos de saber como foi seu atendimento na Provedor A.")
    (request,) = world.requests()
    assert request["status"] == "sent" and request["sent_at"] and request["expires_at"]

    answer = post_webhook(customer_text("🙂 gostei muito")).json
    assert answer["event"] == "csat_answer" and answer["rating"] == 4
    assert answer["conversation_id"] == world.conversation_id
    conversation = world.api.get(f"/api/conversations/{world.conversation_id}/", token=world.admin).json
    assert conversation["status"] == "closed"  # an answer never reopens
    world.settle()
    assert world.sent_texts()[-1] == "Obrigado pelo seu feedback! Sua opinião é muito importante para nós. 😊"
    (request,) = world.requests(status="answered")
    assert request["feedback"]["rating_value"] == 4 and request["feedback"]["feedback"] == "gostei muito"
    updates = world.management.received("admin", "csat_update")
    assert [u["data"]["rating"] for u in updates] == [4]
    assert updates[0]["data"]["conversation_id"] == world.conversation_id
    assert [u["data"]["rating"] for u in world.management.received("agent", "csat_update")] == [4]

    stats = world.stats()
    assert stats["total_feedbacks"] == 1 and stats["average_rating"] == 4.0 and stats["satisfaction_rate"] == 100.0
    assert stats["daily_stats"][-1]["count"] == 1 and len(stats["daily_stats"]) == 7
    assert [d["count"] for d in stats["rating_distribution"]] == [0, 0, 0, 1, 0]
    assert stats["response_rate"] == 100.0 and stats["total_requests_sent"] == 1
    assert stats["recent_feedbacks"][0]["emoji_rating"] == "🙂"
    feedbacks = world.api.get("/api/csat/feedbacks/", token=world.admin).json
    assert feedbacks["count"] == 1 and feedbacks["results"][0]["contact_name"] == "Tito Bahé"
    assert feedbacks["results"][0]["response_time_minutes"] >= 0
    # a second answer to the same survey is a normal message: it opens a new conversation
    again = post_webhook(customer_text("5")).json
    assert again["event"] == "message" and again["conversation_id"] != world.conversation_id


def test_a_message_that_is_no_rating_stays_a_normal_message(world):
    world.act("close")
    world.settle()
    answer = post_webhook(customer_text("minha internet caiu")).json
    assert answer["event"] == "message" and answer["conversation_id"] != world.conversation_id
    (request,) = world.requests()
    assert request["status"] == "sent"
    assert world.api.get("/api/csat/feedbacks/", token=world.admin).json["count"] == 0
    # while the customer talks in the new conversation, a "5" belongs to it
    assert post_webhook(customer_text("5")).json["event"] == "message"


def test_the_same_answer_delivered_twice_is_one_feedback(world):
    world.act("close")
    world.settle()
    delivery = customer_text("5 excelente")
    first, second = post_webhook(delivery).json, post_webhook(delivery).json
    assert first["event"] == "csat_answer" and second["status"] == "duplicate"
    world.settle()
    assert world.api.get("/api/csat/feedbacks/", token=world.admin).json["count"] == 1
    assert world.stats()["total_feedbacks"] == 1


def test_reopening_before_the_send_cancels_and_the_next_close_is_surveyed_again(world):
    world.settings(delay_minutes=5)
    world.act("close")
    world.tap.drain()
    world.act("reopen")
    world.tap.drain()
    (request,) = world.requests()
    assert request["status"] == "cancelled"
    world.clock.forward(600)
    world.act("close")
    world.settle()
    assert world.sent_texts() == []  # the second close waits its own 5 minutes
    world.clock.forward(301)
    world.settle()
    statuses = sorted(r["status"] for r in world.requests())
    assert statuses == ["cancelled", "sent"] and len(world.sent_texts()) == 1


def test_a_reopened_and_closed_again_conversation_is_surveyed_again(world):
    world.act("close")
    world.settle()
    post_webhook(customer_text("😡 péssimo"))
    world.settle()
    world.act("reopen")
    world.act("close")
    world.settle()
    assert len([t for t in world.sent_texts() if t.startswith("Olá")]) == 2
    assert sorted(r["status"] for r in world.requests()) == ["answered", "sent"]


def test_an_unanswered_survey_expires(world):
    world.settings(expiry_minutes=60)
    world.act("close")
    world.settle()
    world.clock.forward(59 * 60)
    world.settle()
    assert world.requests()[0]["status"] == "sent"
    world.clock.forward(61)
    world.settle()
    assert world.requests()[0]["status"] == "expired"
    assert post_webhook(customer_text("5")).json["event"] == "message"


def test_three_refused_sends_fail_the_request_with_the_reason(world):
    world.fake.script("POST", "/send/text", Reply(500, {"error": "instance offline"}), Reply(500), Reply(500))
    world.act("close")
    world.settle()
    assert world.requests()[0]["status"] == "pending" and world.requests()[0]["attempts"] == 1
    world.clock.forward(61)
    world.settle()
    world.clock.forward(301)
    world.settle()
    (request,) = world.requests()
    assert request["status"] == "failed" and request["attempts"] == 3 and request["error"]
    assert len(world.fake.requests_to("/send/text")) == 3


def test_disabled_surveys_and_inbox_overrides(world):
    world.settings(enabled=False)
    world.act("close")
    world.settle()
    assert world.requests() == []
    world.act("reopen")
    world.settings(enabled=True, inboxes={str(world.inbox["id"]): {"enabled": False}})
    world.act("close")
    world.settle()
    assert world.requests() == []
    shown = world.api.get("/api/csat/settings/", token=world.admin).json
    assert shown["enabled"] is True and shown["inboxes"] == {str(world.inbox["id"]): {"enabled": False}}


def test_settings_are_validated_and_only_for_admins(world):
    bad = world.api.call("PATCH", "/api/csat/settings/", {"survey_text": "Oi {cliente}"}, token=world.admin)
    assert bad.status == 400 and bad.json["error"] == "ValidationError" and "{cliente}" in bad.raw["body"]
    assert world.api.call("PATCH", "/api/csat/settings/", {"expiry_minutes": 0}, token=world.admin).status == 400
    unknown_inbox = world.api.call("PATCH", "/api/csat/settings/", {"inboxes": {"999": {"enabled": False}}},
                                   token=world.admin)  # fmt: skip
    assert unknown_inbox.status == 400
    assert world.api.get("/api/csat/settings/", token=world.agent_token).status == 403
    assert world.api.call("PATCH", "/api/csat/settings/", {"enabled": False}, token=world.agent_token).status == 403
    defaults = world.api.get("/api/csat/settings/", token=world.admin).json
    assert defaults["expiry_minutes"] == 1440 and defaults["delay_minutes"] == 0
    assert defaults["survey_text"].startswith("Olá {nome}!")


def test_the_csat_webhook_answers_with_its_secret_only(world):
    world.act("close")
    world.settle()
    created = world.api.post("/api/csat/settings/webhook_secret/", {}, token=world.admin)
    assert created.status == 201 and "?secret=" in created.json["webhook_url"]
    secret = created.json["webhook_secret"]
    body = {"conversation_id": world.conversation_id, "rating": 5, "feedback": "Excelente!"}
    assert world.api.post("/api/csat/webhook/", body).status == 401
    assert world.api.post("/api/csat/webhook/", body, query={"secret": "errado"}).status == 401
    assert csat_store.counters(world.pid).get("fb", 0) == 0
    other = world.api.post("/api/csat/webhook/", {**body, "conversation_id": 99999}, query={"secret": secret})
    assert other.status == 404
    first = world.api.post("/api/csat/webhook/", body, headers={"X-Webhook-Secret": secret})
    assert first.status == 201 and first.json["rating_value"] == 5 and first.json["channel_type"] == "webhook"
    repeat = world.api.post("/api/csat/webhook/", body, query={"secret": secret})
    assert repeat.status == 200 and repeat.json["id"] == first.json["id"]
    changed = world.api.post("/api/csat/webhook/", {**body, "rating": 1}, query={"secret": secret})
    assert changed.status == 409
    rotated = world.api.post("/api/csat/settings/webhook_secret/", {}, token=world.admin).json["webhook_secret"]
    assert world.api.post("/api/csat/webhook/", body, query={"secret": secret}).status == 401
    assert world.api.post("/api/csat/webhook/", body, query={"secret": rotated}).status == 200


def test_a_webhook_answer_needs_a_sent_survey(world):
    secret = world.api.post("/api/csat/settings/webhook_secret/", {}, token=world.admin).json["webhook_secret"]
    body = {"conversation_id": world.conversation_id, "rating": 3}
    refused = world.api.post("/api/csat/webhook/", body, query={"secret": secret})
    assert refused.status == 409 and refused.json["error"] == "Conflict"


def test_an_agent_sees_only_the_feedback_of_conversations_they_closed(world, tenant):
    world.act("close")
    world.settle()
    post_webhook(customer_text("4"))
    world.settle()
    mine = world.api.get("/api/csat/feedbacks/", token=world.agent_token).json
    assert mine["count"] == 1
    feedback_id = mine["results"][0]["id"]
    assert world.api.get(f"/api/csat/feedbacks/{feedback_id}/", token=world.agent_token).status == 200
    assert world.stats(world.agent_token)["total_feedbacks"] == 1
    # the admin hands the next conversation to nobody: the agent doesn't see its feedback
    second = post_webhook(customer_text("Oi de novo")).json["conversation_id"]
    world.act("close", conversation_id=second)
    world.settle()
    post_webhook(customer_text("2"))
    world.settle()
    assert world.api.get("/api/csat/feedbacks/", token=world.admin).json["count"] == 2
    assert world.api.get("/api/csat/feedbacks/", token=world.agent_token).json["count"] == 1
    assert world.api.get("/api/csat/feedbacks/", token=world.admin, query={"rating": "2"}).json["count"] == 1
    others = world.api.get("/api/csat/feedbacks/", token=world.agent_token, query={"agent": "0"}).json
    assert [f["id"] for f in others["results"]] == [feedback_id]

    def agents(path: str, **query: str) -> list[int]:  # the agent's own list, narrowed by a filter on its index
        return [item["id"] for item in world.api.get(path, token=world.agent_token, query=query).json["results"]]

    assert agents("/api/csat/feedbacks/", rating="4") == [feedback_id]
    assert agents("/api/csat/feedbacks/", rating="2") == []
    answered = agents("/api/csat/requests/", status="answered")
    assert len(answered) == 1 and agents("/api/csat/requests/", status="pending") == []
    assert world.stats(world.agent_token)["total_feedbacks"] == 1
    assert world.stats()["total_feedbacks"] == 2


def test_group_chats_are_never_surveyed(world):
    from niochat.conversations import service
    from niochat.csat import requests

    conversation = service.get(world.pid, world.conversation_id)
    group = {**conversation, "status": "closed", "closed_at": clock.iso(),
             "additional_attributes": {"is_group": True}}  # fmt: skip
    assert requests.on_close(group) is None


def test_the_echo_of_a_survey_whose_send_looked_failed_is_the_survey_not_a_new_conversation(world):
    """The provider refused the call (a 500) yet sent it: its echo attaches to our survey message in the
    closed conversation instead of opening a conversation of its own."""
    world.fake.script("POST", "/send/text", Reply(500, {"error": "timeout upstream"}))
    world.act("close")
    world.settle()
    (request,) = world.requests()
    assert request["status"] == "pending" and request["attempts"] == 1
    stored = messages_of(world.pid, world.conversation_id)
    survey = next(m for m in stored if m.get("additional_attributes", {}).get("csat") == "survey")
    echo_id = "ACECHO00000000000000000000000001"
    echo = uazapi("from-me-text.sent.event.json", messageid=echo_id, id=f"{OWNER}:{echo_id}", text=survey["content"],
                  wasSentByApi=True)  # fmt: skip
    echo["message"]["content"] = {"text": survey["content"]}
    answer = post_webhook(echo).json
    assert answer["event"] == "echo" and answer["message_id"] == survey["id"]
    assert answer["conversation_id"] == world.conversation_id
