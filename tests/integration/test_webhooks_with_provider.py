"""The inbound path with the real provider clients against the fake provider on loopback (real HTTP), and
with the outbound path: an agent's message, its echo, its receipts and the customer's reaction; media fetched
over HTTP when the delivery arrives or when the media endpoint asks for a pending file."""

from __future__ import annotations

import base64
import copy

import boto3
import pytest

from niochat.settings import get_settings
from tests.integration.conftest import login, post_webhook
from tests.integration.webhook_world import (
    CUSTOMER,
    EVOLUTION_KEY,
    contact_by_phone,
    evolution,
    make_inbox,
    message,
    messages_of,
    uazapi,
)
from tests.support.fake_provider import OWNER, FakeProvider, Reply

IMAGE_ID = "AC3D4FE37D20ED8957FACCDAD9368A4A"
JPEG = b"\xff\xd8\xff\xe0 a real jpeg, almost"


@pytest.fixture
def fake():
    with FakeProvider() as provider:
        yield provider


@pytest.fixture
def admin(api, tenant) -> str:
    return login(api, "admin_a", "senha-forte-1")


def _s3_object(key: str) -> bytes:
    return boto3.client("s3").get_object(Bucket=get_settings().media_bucket, Key=key)["Body"].read()


def test_uazapi_media_is_fetched_over_http(tenant, fake, monkeypatch):
    monkeypatch.setenv("PROVIDER_MAX_ATTEMPTS", "1")
    pid = tenant["provedor"]["id"]
    inbox, _ = make_inbox(pid, base_url=fake.url)
    fake.add_media(IMAGE_ID, JPEG, "image/jpeg")
    answer = post_webhook(uazapi("from-others-image.sent.json")).json
    (download,) = fake.requests_to("/message/download")
    assert download.json == {"id": IMAGE_ID, "return_link": True}
    assert download.headers["token"] == inbox["settings"]["token"]
    stored = message(pid, answer)
    assert stored["media_status"] == "ready" and _s3_object(stored["media_key"]) == JPEG


def test_evolution_media_inline_or_asked_of_the_provider(tenant, fake, monkeypatch):
    monkeypatch.setenv("PROVIDER_MAX_ATTEMPTS", "1")
    pid = tenant["provedor"]["id"]
    make_inbox(pid, provider="evolution", token=EVOLUTION_KEY, base_url=fake.url, instance="provedor-a")
    inline = post_webhook(evolution("image")).json  # carries base64: no request to the provider
    assert fake.requests == []
    image = message(pid, inline)
    assert image["media_status"] == "ready"
    assert _s3_object(image["media_key"]) == base64.b64decode(evolution("image")["data"]["message"]["base64"])

    fake.add_media("3EB0A1B2C3D4E5F60006", b"mp4 bytes", "video/mp4")
    video = message(pid, post_webhook(evolution("video")).json)  # no base64, no mediaUrl
    (asked,) = fake.requests_to("/chat/getBase64FromMediaMessage/provedor-a")
    assert asked.json["message"]["key"]["id"] == "3EB0A1B2C3D4E5F60006" and asked.headers["apikey"] == EVOLUTION_KEY
    assert video["media_status"] == "ready" and _s3_object(video["media_key"]) == b"mp4 bytes"


def test_a_pending_file_is_fetched_by_the_timers_then_served(api, tenant, admin, fake, monkeypatch):
    """Over the real HTTP client: the delivery's download fails, the endpoint says so (404, pending), the
    `media_download` timer fetches it a minute later, and the endpoint redirects to it."""
    from niochat import clock
    from niochat.timers import sweep

    monkeypatch.setenv("PROVIDER_MAX_ATTEMPTS", "1")
    pid = tenant["provedor"]["id"]
    make_inbox(pid, base_url=fake.url)
    fake.script("POST", "/message/download", Reply(503, {"error": "busy"}))
    answer = post_webhook(uazapi("from-others-image.sent.json")).json
    pending = message(pid, answer)
    assert pending["media_status"] == "pending" and pending.get("file_url") is None
    fake.add_media(IMAGE_ID, JPEG, "image/jpeg")
    path = f"/api/media/messages/{answer['conversation_id']}/{answer['message_id']}-image.jpg/"
    waiting = api.get(path, token=admin)
    assert waiting.status == 404 and waiting.json["details"]["media_status"] == "pending"
    later = clock.now() + 61
    monkeypatch.setattr(clock, "now", lambda: later)
    assert sweep.sweep().done == 1
    response = api.get(path, token=admin)
    assert response.status == 302, response.json
    assert message(pid, answer)["media_status"] == "ready"


def test_an_agents_message_its_echo_receipts_and_the_customers_reaction(api, tenant, admin, fake, monkeypatch):
    monkeypatch.setenv("PROVIDER_MAX_ATTEMPTS", "1")
    pid = tenant["provedor"]["id"]
    make_inbox(pid, base_url=fake.url)
    first = post_webhook(uazapi("from-others-text.sent.json")).json
    sent = api.post("/api/messages/send_text/", {"conversation_id": first["conversation_id"], "content": "Olá!"},
                    token=admin)  # fmt: skip
    assert sent.status in (200, 201), sent.json
    (request,) = fake.requests_to("/send/text")
    assert request.json["number"] == "40723973035@s.whatsapp.net"  # the chat id the inbound path kept
    external_id = sent.json["external_id"]
    bare = external_id.rpartition(":")[2]

    echo = uazapi("from-me-text.sent.event.json", messageid=bare, id=f"{OWNER}:{bare}", text="Olá!", wasSentByApi=True)
    answer = post_webhook(echo)
    assert answer.json["status"] == "duplicate" and answer.json["message_id"] == sent.json["id"]
    assert len(messages_of(pid, first["conversation_id"])) == 2

    receipt = {"EventType": "messages_update", "token": "xxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", "state": "Read",
               "type": "ReadReceipt", "event": {"MessageIDs": [bare], "IsFromMe": "True", "Type": "Read"}}  # fmt: skip
    assert post_webhook(receipt).json["status"] == "stored"
    reaction = copy.deepcopy(uazapi("from-others-reaction.sent.json"))
    reaction["message"]["reaction"] = bare
    assert post_webhook(reaction).json["status"] == "stored"

    shown = api.get(f"/api/messages/{sent.json['id']}/", token=admin).json
    assert shown["status"] == "read"
    assert [(r["reactor"], r["emoji"]) for r in shown["additional_attributes"]["reactions"]] == [(CUSTOMER, "❤️")]
    assert contact_by_phone(pid, CUSTOMER)["unread_messages"] == 1


def test_a_file_by_the_providers_id_is_fetched_on_demand_and_only_in_the_callers_provedor(
    api, tenant, admin, fake, monkeypatch
):
    """GET /api/uazapi/file/{provider message id}/: a pending file is fetched from the provider then and there and
    redirected to; an unknown id, or one of another provedor, is 404; an agent who can't see the conversation too."""
    from niochat.directory.users import create_user
    from niochat.domain.users import UserType
    from tests.integration.webhook_world import make_provedor

    monkeypatch.setenv("PROVIDER_MAX_ATTEMPTS", "1")
    pid = tenant["provedor"]["id"]
    make_inbox(pid, base_url=fake.url)
    fake.script("POST", "/message/download", Reply(503, {"error": "busy"}))
    answer = post_webhook(uazapi("from-others-image.sent.json")).json
    assert message(pid, answer)["media_status"] == "pending"
    fake.add_media(IMAGE_ID, JPEG, "image/jpeg")
    served = api.get(f"/api/uazapi/file/{IMAGE_ID}/", token=admin)
    assert served.status == 302, served.json
    assert get_settings().media_bucket in served.headers["location"]
    assert message(pid, answer)["media_status"] == "ready"
    assert api.get("/api/uazapi/file/NAOEXISTE123/", token=admin).status == 404

    other = make_provedor("Provedor B")
    create_user(username="admin_b", password="senha-forte-9", user_type=UserType.ADMIN, provedor_id=other)
    stranger = api.get(f"/api/uazapi/file/{IMAGE_ID}/", token=login(api, "admin_b", "senha-forte-9"))
    assert stranger.status == 404 and stranger.json["error"] == "NotFound"
    agent = api.get(f"/api/uazapi/file/{IMAGE_ID}/", token=login(api, "agent_a", "senha-forte-2"))
    assert agent.status == 404  # an unassigned conversation of no team the agent is in
