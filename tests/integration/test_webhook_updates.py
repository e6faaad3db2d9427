"""Webhook deliveries that change what is stored: echoes of our messages, receipts, reactions, edits,
deletes, groups, connection events, conversations that close, and media (a real HTTP fake provider)."""

from __future__ import annotations

import time

import boto3
import pytest

from niochat import clock
from niochat.domain.messages import new_message_id
from niochat.settings import get_settings
from niochat.store import due
from niochat.store import messages as message_store
from niochat.store.inboxes import inboxes
from niochat.store.table import table
from niochat.webhooks.media import retry_scheduled
from tests.integration.conftest import post_webhook
from tests.integration.webhook_world import (
    CUSTOMER,
    EVO_CUSTOMER,
    EVOLUTION_KEY,
    ROOT,
    contact_by_phone,
    conversation,
    evolution,
    install_provider,
    make_inbox,
    make_provedor,
    media_objects,
    message,
    messages_of,
    uazapi,
)

TEXT = "from-others-text.sent.json"
IMAGE = "from-others-image.sent.json"
IMAGE_ID = "AC3D4FE37D20ED8957FACCDAD9368A4A"


@pytest.fixture
def pid(aws) -> int:
    return make_provedor()


@pytest.fixture
def evo(pid) -> dict:
    inbox, _ = make_inbox(pid, provider="evolution", token=EVOLUTION_KEY, instance="provedor-a")
    return inbox


def _sending(pid: int, conversation_id: int, inbox_id: int, content: str) -> dict:
    """An agent's message as the outbound path stores it before the provider answers."""
    now = clock.now()
    item = {
        "id": new_message_id(now),
        "conversation": conversation_id,
        "inbox_id": inbox_id,
        "message_type": "outgoing",
        "media_type": "text",
        "content": content,
        "is_from_customer": False,
        "status": "sending",
        "additional_attributes": {},
        "created_at": clock.iso(now),
        "updated_at": clock.iso(now),
    }
    table().transact([message_store.put_op(pid, item)])
    return item


def test_the_echo_of_an_agents_message_attaches_its_id_and_never_duplicates(pid, evo):
    first = post_webhook(evolution("text-conversation")).json
    ours = _sending(pid, first["conversation_id"], evo["id"], "Bom dia! Vamos verificar sua conexão.")
    echo = post_webhook(evolution("send-message-echo"))
    assert echo.status == 200 and echo.json["status"] == "stored" and echo.json["message_id"] == ours["id"]
    again = post_webhook(evolution("send-message-echo"))
    assert again.json["status"] == "duplicate" and again.json["message_id"] == ours["id"]
    rows = messages_of(pid, first["conversation_id"])
    assert len(rows) == 2
    stored = rows[-1]
    assert stored["id"] == ours["id"] and stored["external_id"] == "3EB0FFFF00000000AAAA" and stored["status"] == "sent"
    assert message_store.by_external_id(pid, evo["id"], "3EB0FFFF00000000AAAA")["message_id"] == ours["id"]


def test_receipts_move_our_message_forward_only(pid, evo):
    first = post_webhook(evolution("text-conversation")).json
    ours = _sending(pid, first["conversation_id"], evo["id"], "Bom dia! Vamos verificar sua conexão.")
    post_webhook(evolution("send-message-echo"))
    ref = {"conversation_id": first["conversation_id"], "message_id": ours["id"]}
    assert post_webhook(evolution("receipt-delivered")).json["status"] == "stored"
    assert message(pid, ref)["status"] == "delivered"
    assert post_webhook(evolution("receipt-read")).json["delivery_status"] == "read"
    late = post_webhook(evolution("receipt-delivered"))
    assert late.status == 200 and late.json["status"] == "ignored"
    assert message(pid, ref)["status"] == "read"


def test_reactions_edits_and_deletes_change_the_target_and_keep_the_row(pid, evo):
    first = post_webhook(evolution("text-conversation")).json
    reply = post_webhook(evolution("text-extended-reply")).json
    ours = _sending(pid, first["conversation_id"], evo["id"], "Bom dia! Vamos verificar sua conexão.")
    post_webhook(evolution("send-message-echo"))
    ref = {"conversation_id": first["conversation_id"], "message_id": ours["id"]}

    assert post_webhook(evolution("reaction")).json["status"] == "stored"
    (reaction,) = message(pid, ref)["additional_attributes"]["reactions"]
    assert (reaction["reactor"], reaction["emoji"], reaction["from_me"]) == (EVO_CUSTOMER, "👍", False)
    assert post_webhook(evolution("reaction")).json["changed"] is False  # the same delivery again
    post_webhook(evolution("reaction-removed"))
    assert message(pid, ref)["additional_attributes"]["reactions"] == []

    assert post_webhook(evolution("edit")).json["status"] == "stored"
    edited = message(pid, first)
    assert edited["content"] == "Olá, minha internet caiu de novo"
    history = edited["additional_attributes"]["edit_history"]
    assert [h["content"] for h in history] == ["Olá, minha internet caiu"] and history[0]["replaced_at"]
    post_webhook(evolution("edit"))
    assert len(message(pid, first)["additional_attributes"]["edit_history"]) == 1

    assert post_webhook(evolution("revoke")).json["status"] == "stored"
    assert post_webhook(evolution("delete")).json["status"] == "stored"
    for ref_ in (first, reply):
        deleted = message(pid, ref_)
        assert deleted["additional_attributes"]["deleted"] is True and deleted["content"]
    assert len(messages_of(pid, first["conversation_id"])) == 3
    stray = evolution("reaction")
    stray["data"]["message"]["reactionMessage"]["key"]["id"] = "NEVER-STORED"
    assert post_webhook(stray).json == {"event": "reaction", "status": "ignored", "reason": "target message not found",
                                        "external_id": "NEVER-STORED"}  # fmt: skip


def test_reactions_share_the_list_the_outbound_path_keeps(pid, evo):
    first = post_webhook(evolution("text-conversation")).json
    ours = _sending(pid, first["conversation_id"], evo["id"], "Bom dia! Vamos verificar sua conexão.")
    post_webhook(evolution("send-message-echo"))
    ref = {"conversation_id": first["conversation_id"], "message_id": ours["id"]}
    agent = {"emoji": "🙏", "reactor": "me", "from_me": True, "user": {"id": 7}, "reacted_at": "2026-01-01T00:00:00Z"}
    current = message(pid, ref)
    assert message_store.edit(pid, current, {"additional_attributes": {"reactions": [agent]}})
    post_webhook(evolution("reaction"))
    reactions = message(pid, ref)["additional_attributes"]["reactions"]
    assert [(r["reactor"], r["emoji"]) for r in reactions] == [("me", "🙏"), (EVO_CUSTOMER, "👍")]
    from_phone = evolution("reaction")  # our number reacting from the phone replaces our side's reaction
    from_phone["data"]["key"].update(fromMe=True, id="3EB0A1B2C3D4E5F6FFFF")
    from_phone["data"]["message"]["reactionMessage"]["text"] = "❤️"
    post_webhook(from_phone)
    reactions = message(pid, ref)["additional_attributes"]["reactions"]
    assert [(r["reactor"], r["emoji"]) for r in reactions] == [(EVO_CUSTOMER, "👍"), ("me", "❤️")]


def test_group_messages_are_ignored_unless_the_inbox_stores_them(pid, evo):
    assert post_webhook(evolution("group-text")).json == {
        "status": "ignored",
        "reason": "group messages are off for this inbox",
    }
    inboxes.update(pid, evo["id"], {"settings": {**evo["settings"], "group_messages": True}})
    person = post_webhook(evolution("text-conversation")).json
    group = post_webhook(evolution("group-text")).json
    assert group["status"] == "stored" and group["conversation_id"] != person["conversation_id"]
    assert group["contact_id"] != person["contact_id"]
    contact = contact_by_phone(pid, "120363041967849074@g.us")
    assert contact["additional_attributes"]["is_group"] is True and contact["name"] == "Grupo WhatsApp"
    assert conversation(pid, group["conversation_id"])["additional_attributes"]["is_group"] is True
    stored = message(pid, group)
    assert stored["additional_attributes"]["sender"] == {"phone": "+5511955554444", "name": "Vizinho", "lid": None}
    assert not contact_by_phone(pid, EVO_CUSTOMER)["additional_attributes"].get("is_group")


def test_connection_events_set_the_inbox_status(pid, evo):
    assert post_webhook(evolution("connection-close")).json["connection_status"] == "disconnected"
    assert inboxes.get(pid, evo["id"], consistent=True)["connection_status"] == "disconnected"
    post_webhook(evolution("connection-open"))
    stored = inboxes.get(pid, evo["id"], consistent=True)
    assert stored["connection_status"] == "connected" and stored["version"] == evo["version"]


def test_ai_inboxes_open_snoozed_conversations_and_a_closed_one_is_not_reused(pid):
    from niochat.conversations import service as conversations
    from niochat.domain.conversations import Action

    make_inbox(pid, ai_enabled=True)
    first = post_webhook(uazapi(TEXT)).json
    assert conversation(pid, first["conversation_id"])["status"] == "snoozed"
    conversations.act(ROOT, pid, first["conversation_id"], Action.CLOSE)
    assert post_webhook(uazapi(TEXT)).json["status"] == "duplicate"  # a late retry opens nothing
    second = post_webhook(uazapi(TEXT, messageid="AC00000000000000000000000000NEXT", id="x:NEXT")).json
    assert second["status"] == "stored" and second["conversation_id"] != first["conversation_id"]
    assert contact_by_phone(pid, CUSTOMER)["conversation_count"] == 2


def test_media_is_downloaded_to_s3_under_the_conversation(pid, monkeypatch):
    provider = install_provider(monkeypatch)
    inbox, _ = make_inbox(pid)
    provider.add(IMAGE_ID, b"\xff\xd8\xff\xe0 jpeg bytes", "image/jpeg")
    answer = post_webhook(uazapi(IMAGE)).json
    ((asked_id, delivery),) = provider.calls
    assert asked_id == IMAGE_ID and delivery["message"]["messageid"] == IMAGE_ID  # the delivery, for Evolution's base64
    assert provider.inboxes[0]["id"] == inbox["id"]
    stored = message(pid, answer)
    key = f"media/{pid}/{answer['conversation_id']}/{answer['message_id']}-image.jpg"
    assert answer["media_status"] == "ready" and stored["media_status"] == "ready" and stored["media_key"] == key
    assert stored["file_url"] == f"/api/media/messages/{answer['conversation_id']}/{answer['message_id']}-image.jpg/"
    assert stored["file_size"] == len(b"\xff\xd8\xff\xe0 jpeg bytes") and stored["mime_type"] == "image/jpeg"
    body = boto3.client("s3").get_object(Bucket=get_settings().media_bucket, Key=key)
    assert body["Body"].read() == b"\xff\xd8\xff\xe0 jpeg bytes" and body["ContentType"] == "image/jpeg"


def test_a_document_keeps_its_name_in_the_file(pid, monkeypatch):
    provider = install_provider(monkeypatch)
    make_inbox(pid, provider="evolution", token=EVOLUTION_KEY, instance="provedor-a")
    provider.add("3EB0A1B2C3D4E5F60007", b"%PDF-1.4", "application/pdf")
    answer = post_webhook(evolution("document")).json
    stored = message(pid, answer)
    assert stored["original_file_name"] == "Boleto março.pdf"
    assert stored["media_key"].endswith(f"/{answer['message_id']}-Boleto_marco.pdf")
    assert stored["file_url"].endswith("-Boleto_marco.pdf/")


def test_a_failed_download_keeps_the_message_pending_until_its_timer(pid, monkeypatch):
    provider = install_provider(monkeypatch)
    make_inbox(pid)
    answer = post_webhook(uazapi(IMAGE))
    assert answer.status == 200 and answer.json["status"] == "stored" and answer.json["media_status"] == "pending"
    pending = message(pid, answer.json)
    assert pending.get("file_url") is None and pending["media_status"] == "pending"
    assert pending["media_error"] == "Message not found" and pending["media_attempts"] == 1
    assert "chat" not in pending["media_source"]["delivery"]  # what a retry needs, not the whole payload
    assert "token" not in pending["media_source"]["delivery"]  # nor the delivery's proof (a secret)
    assert media_objects() == []
    assert conversation(pid, answer.json["conversation_id"])["last_message"]["content"] == "📷 Imagem"

    timer = due.get_timer(pid, "media_download", str(pending["id"]))  # written with the pending state
    assert timer is not None and timer["args"] == {"conversation_id": answer.json["conversation_id"],
                                                   "message_id": pending["id"]}  # fmt: skip
    assert 55 <= timer["due_at"] - time.time() <= 60 and pending["media_next_attempt_at"]

    provider.add(IMAGE_ID, b"late bytes", "image/jpeg")
    retry_scheduled(pid, answer.json["conversation_id"], pending["id"])
    fetched = message(pid, answer.json)
    assert fetched["media_status"] == "ready" and fetched["file_url"].endswith("-image.jpg/")
    assert fetched["media_attempts"] == 2
    assert len(media_objects()) == 1
    retry_scheduled(pid, answer.json["conversation_id"], pending["id"])  # nothing to do once ready
    assert len(provider.calls) == 2 and message(pid, answer.json) == fetched


def test_a_file_over_the_size_limit_is_never_downloaded(pid, monkeypatch):
    provider = install_provider(monkeypatch)
    monkeypatch.setenv("MEDIA_MAX_BYTES", "1000")
    get_settings.cache_clear()
    try:
        make_inbox(pid)
        provider.add(IMAGE_ID, b"x" * 10, "image/jpeg")
        answer = post_webhook(uazapi(IMAGE)).json  # it declares fileLength 162894
        understated = uazapi("from-others-audio.sent.json")
        understated["message"]["content"]["fileLength"] = 500
        provider.add("AC0618B4C57918C5D25431E1AF47B2E7", b"x" * 2000, "audio/ogg")  # declares 500, is 2000
        voice = post_webhook(understated).json
    finally:
        monkeypatch.delenv("MEDIA_MAX_BYTES")
        get_settings.cache_clear()
    assert [external_id for external_id, _ in provider.calls] == ["AC0618B4C57918C5D25431E1AF47B2E7"]
    for stored in (message(pid, answer), message(pid, voice)):
        assert stored["media_status"] == "too_large" and stored.get("file_url") is None
    assert media_objects() == []
