"""Sending messages: stored first, then the provider (a real HTTP fake on loopback), then sent or failed;
retries; who may send; the seed's error format."""

from __future__ import annotations

import pytest

from niochat.channels.uazapi import UazapiClient
from niochat.domain.conversations import Action
from niochat.store import conversations, messages
from niochat.store.table import table
from tests.integration import conversation_world as cw
from tests.integration import messages_world as mw
from tests.support.fake_provider import OWNER, Reply

NUMBER = "5511999990001"


def send(api, token, conversation_id, content="Olá, tudo bem?", **extra):
    return api.post("/api/messages/send_text/", {"conversation_id": conversation_id, "content": content, **extra},
                    token=token)  # fmt: skip


def stored(world, message_id):
    return table().get(*messages.key(world["pid"], world["conversation"]["id"], message_id), consistent=True)


def test_send_text_stores_sending_then_sent_with_the_providers_id(api, world, tokens, fake, monkeypatch):
    seen_during_call = []
    original = UazapiClient.send_text

    def spy(client, *args, **kwargs):
        page = table().query(messages.pk(world["pid"], world["conversation"]["id"]), consistent=True)
        conversation = conversations.conversations.get(world["pid"], world["conversation"]["id"], consistent=True)
        seen_during_call.append((page.items, conversation))
        return original(client, *args, **kwargs)

    monkeypatch.setattr(UazapiClient, "send_text", spy)
    response = send(api, tokens["admin"], world["conversation"]["id"])
    assert response.status == 201, response.json
    body = response.json
    (request,) = fake.requests_to("/send/text")
    assert request.json == {"number": NUMBER, "text": "Olá, tudo bem?"} and request.headers["token"] == "tok-uazapi"
    ((items, conversation),) = seen_during_call
    (during,) = items
    assert during["status"] == "sending" and during.get("external_id") is None and during["content"] == "Olá, tudo bem?"
    assert conversation["last_message"]["id"] == during["id"] == body["id"]
    assert body["status"] == "sent" and body["external_id"].startswith("3EB0")
    assert body["message_type"] == "outgoing" and body["media_type"] == "text" and body["is_from_customer"] is False
    assert body["sender"]["username"] == world["people"]["admin"]["username"] and body["file_url"] is None
    for field in ("conversation", "created_at", "updated_at", "additional_attributes", "file_name", "mime_type"):
        assert field in body
    assert stored(world, body["id"])["status"] == "sent"
    inbox_id = world["inbox"]["id"]
    for external_id in (body["external_id"], f"{OWNER}:{body['external_id']}"):  # the echo finds it either way
        assert messages.by_external_id(world["pid"], inbox_id, external_id)["message_id"] == body["id"]
    last = conversations.conversations.get(world["pid"], world["conversation"]["id"], consistent=True)["last_message"]
    assert last["id"] == body["id"] and last["status"] == "sent"


def test_reply_quotes_the_provider_id_of_the_replied_message(api, world, tokens, fake):
    customer = mw.customer_message(world, "Minha internet caiu")
    response = send(api, tokens["admin"], world["conversation"]["id"], "Vamos verificar",
                    reply_to_message_id=customer["id"])  # fmt: skip
    assert response.status == 201, response.json
    assert fake.requests_to("/send/text")[0].json["replyid"] == customer["external_id"]
    assert response.json["additional_attributes"]["reply_to"]["message_id"] == customer["id"]


def test_evolution_inbox_sends_through_evolution(api, world, tokens, fake):
    inbox = mw.provider_inbox(world["pid"], fake.url, "evolution", "Evolution")
    from niochat.conversations import service

    conversation = service.create(world["pid"], world["contact"]["id"], inbox["id"])
    response = send(api, tokens["admin"], conversation["id"], "Oi")
    assert response.status == 201, response.json
    (request,) = fake.requests_to("/message/sendText/loja")
    assert request.json == {"number": NUMBER, "text": "Oi"} and request.headers["apikey"] == "tok-evolution"
    assert response.json["status"] == "sent" and response.json["external_id"].startswith("3EB0")


@pytest.mark.parametrize(
    ("replies", "attempts", "provider_status"),
    [([Reply(500, {"error": "No session"})] * 3, 3, 500), ([Reply(200, {"messageid": "X"}, delay=1.2)] * 3, 3, None)],
    ids=["5xx", "timeout"],
)
def test_a_provider_failure_is_502_and_keeps_the_message_failed(api, world, tokens, fake, replies, attempts,
                                                                provider_status):  # fmt: skip
    fake.script("POST", "/send/text", *replies)
    response = send(api, tokens["admin"], world["conversation"]["id"], "Não me perca")
    assert response.status == 502, response.json
    assert response.json["error"] == "BadGateway" and response.json["message"]
    details = response.json["details"]
    assert details["provider_status"] == provider_status and details["status"] == "failed"
    assert len(fake.requests_to("/send/text")) == attempts
    message = stored(world, details["message_id"])
    assert message["status"] == "failed" and message["content"] == "Não me perca"
    assert message["error"]["status"] == provider_status and message["error"]["message"]
    detail = api.get(f"/api/messages/{details['message_id']}/", token=tokens["admin"]).json
    assert detail["status"] == "failed" and detail["error"]["status"] == provider_status


def test_a_4xx_is_not_retried(api, world, tokens, fake):
    fake.script("POST", "/send/text", Reply(400, {"error": "Missing number or text"}))
    response = send(api, tokens["admin"], world["conversation"]["id"])
    assert response.status == 502 and response.json["details"]["provider_status"] == 400
    assert response.json["details"]["provider_error"] == "O provedor de WhatsApp recusou a operação (HTTP 400)"
    assert len(fake.requests) == 1


def test_retry_sends_a_failed_message_again(api, world, tokens, fake):
    fake.script("POST", "/send/text", *[Reply(503)] * 3)
    message_id = send(api, tokens["admin"], world["conversation"]["id"], "De novo").json["details"]["message_id"]
    response = api.post(f"/api/messages/{message_id}/retry/", token=tokens["admin"])
    assert response.status == 200, response.json
    assert response.json["id"] == message_id and response.json["status"] == "sent" and response.json["error"] is None
    requests = fake.requests_to("/send/text")
    assert len(requests) == 4 and requests[-1].json == {"number": NUMBER, "text": "De novo"}
    assert api.post(f"/api/messages/{message_id}/retry/", token=tokens["admin"]).status == 409  # sent now
    page = api.get("/api/messages/", token=tokens["admin"], query={"conversation": str(world["conversation"]["id"])})
    assert [m["id"] for m in page.json["results"]] == [message_id]  # retried in place, not duplicated


def test_retry_failing_again_is_502_and_still_failed(api, world, tokens, fake):
    fake.script("POST", "/send/text", *[Reply(500)] * 6)
    message_id = send(api, tokens["admin"], world["conversation"]["id"]).json["details"]["message_id"]
    response = api.post(f"/api/messages/{message_id}/retry/", token=tokens["admin"])
    assert response.status == 502 and response.json["details"]["message_id"] == message_id
    assert stored(world, message_id)["status"] == "failed"


def test_only_failed_outgoing_messages_can_be_retried(api, world, tokens):
    customer = mw.customer_message(world, "Oi")
    assert api.post(f"/api/messages/{customer['id']}/retry/", token=tokens["admin"]).status == 409
    assert api.post("/api/messages/999999/retry/", token=tokens["admin"]).status == 404


def test_who_may_send(api, world, tokens, fake):
    from niochat.conversations import service

    pid, conversation_id = world["pid"], world["conversation"]["id"]
    # agent3 can't see a pending, unassigned conversation: 404, as if it didn't exist
    hidden = send(api, tokens["agent3"], conversation_id)
    assert hidden.status == 404 and hidden.json["error"] == "NotFound"
    # agent1 sees conversations with the AI (permission) but is not involved in this one: 403
    ai_inbox = mw.provider_inbox(pid, fake.url, name="IA API")
    ai = service.create(pid, world["contact"]["id"], ai_inbox["id"])
    service.act(cw.ROOT, pid, ai["id"], Action.SET_STATUS, status="snoozed")
    refused = send(api, tokens["agent1"], ai["id"])
    assert refused.status == 403 and refused.json["error"] == "PermissionError"
    assert api.get("/api/messages/", token=tokens["agent1"], query={"conversation": str(ai["id"])}).status == 200
    # the assignee may send
    service.act(cw.ROOT, pid, conversation_id, Action.ASSIGN, user_id=world["people"]["agent3"]["id"])
    assert send(api, tokens["agent3"], conversation_id).status == 201
    assert len(fake.requests_to("/send/text")) == 1  # only the allowed send reached the provider


def test_a_closed_conversation_refuses_messages(api, world, tokens, fake):
    from niochat.conversations import service

    service.act(cw.ROOT, world["pid"], world["conversation"]["id"], Action.CLOSE)
    response = send(api, tokens["admin"], world["conversation"]["id"])
    assert response.status == 409 and response.json["error"] == "Conflict"
    assert fake.requests == []


def test_an_inactive_or_unconfigured_inbox_refuses_messages(api, world, tokens, fake):
    from niochat.store.inboxes import inboxes

    inboxes.update(world["pid"], world["inbox"]["id"], {"settings": {"provider": "uazapi"}})
    response = send(api, tokens["admin"], world["conversation"]["id"])
    assert response.status == 409 and "configurada" in response.json["message"]
    inboxes.update(world["pid"], world["inbox"]["id"], {"settings": world["inbox"]["settings"], "is_active": False})
    assert send(api, tokens["admin"], world["conversation"]["id"]).status == 409
    assert fake.requests == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"content": "Oi"}, "conversation_id"),
        ({"conversation_id": "{cid}"}, "content"),
        ({"conversation_id": "{cid}", "content": ""}, "content"),
        ({"conversation_id": "{cid}", "content": "   "}, "content"),
        ({"conversation_id": "{cid}", "content": "x" * 4097}, "content"),
        ({"conversation_id": "{cid}", "content": "Oi", "reply_to_message_id": 123}, "reply_to_message_id"),
    ],
)
def test_send_text_validation_is_400_in_the_seeds_format(api, world, tokens, fake, body, field):
    body = {k: (world["conversation"]["id"] if v == "{cid}" else v) for k, v in body.items()}
    response = api.post("/api/messages/send_text/", body, token=tokens["admin"])
    assert response.status == 400, response.json
    assert response.json["error"] == "ValidationError" and response.json["details"]["field"] == field
    assert fake.requests == []


def test_sending_needs_a_token(api, world):
    response = api.post("/api/messages/send_text/", {"conversation_id": world["conversation"]["id"], "content": "x"})
    assert response.status == 401 and response.json["error"] == "AuthenticationError"
