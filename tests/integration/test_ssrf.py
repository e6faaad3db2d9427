"""No server-side request forgery (issue 17), end to end through the handlers: an inbox's base_url is checked
when written; media downloads and provider calls go only where the egress guard allows, redirects included;
a failure's response and stored message say a fixed text, never the provider's or the network's words.

The integration conftest turns the loopback allowance on (the fake providers are on 127.0.0.1); these tests
turn it off where loopback plays the internal network (`allow_loopback(monkeypatch, False)`). `outside` is a
fake provider on 127.0.0.2 that the guard takes for a public host, `inside` one on 127.0.0.1 that must never
be reached (both fixtures of tests/conftest.py)."""

from __future__ import annotations

import pytest

from niochat.settings import get_settings
from tests.integration import messages_world as mw
from tests.integration.conftest import login, post_webhook
from tests.integration.webhook_world import EVOLUTION_KEY, evolution, make_inbox, message, uazapi
from tests.support.fake_provider import Reply
from tests.support.provider_settings import allow_loopback, quick_timeouts

IMAGE_ID = "AC3D4FE37D20ED8957FACCDAD9368A4A"  # the message id of the Uazapi image fixture
PROVIDER_REFUSED = "Endereço do provedor recusado"
MEDIA_REFUSED = "Endereço de mídia recusado"
PROVIDER_TEXT = "Missing number or text (db at 10.1.2.3:5432)"


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    quick_timeouts(monkeypatch)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def admin(api, tenant) -> str:
    return login(api, "admin_a", "senha-forte-1")


def whatsapp(provedor_id: int, base_url: str) -> dict:
    settings = {"provider": "evolution", "base_url": base_url, "instance": "loja", "token": "evo-token-0001"}
    return {"name": "WhatsApp", "channel_type": "whatsapp", "provedor": provedor_id, "settings": settings}


def with_media_url(url: str) -> dict:
    delivery = evolution("voice-note")
    delivery["data"]["message"]["mediaUrl"] = url
    return delivery


# -- base_url, when an inbox is written --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "base_url",
    ["http://169.254.169.254", "http://169.254.169.254/latest/meta-data/", "https://10.0.0.5", "http://localhost:8080",
     "http://127.0.0.1:9", "http://[::1]:8080", "http://[::ffff:169.254.169.254]", "http://0.0.0.0:8080",
     "https://nao-existe.invalid"],
)  # fmt: skip
def test_an_inbox_whose_base_url_points_inside_is_refused(api, tenant, admin, monkeypatch, base_url):
    allow_loopback(monkeypatch, False)
    response = api.post("/api/inboxes/", whatsapp(tenant["provedor"]["id"], base_url), token=admin)
    assert response.status == 400, response.json
    assert response.json["details"]["field"] == "settings.base_url"
    assert api.get("/api/inboxes/", token=admin).json["count"] == 0


@pytest.mark.parametrize("base_url", ["https://10.0.0.5", "http://192.168.0.1:8080", "http://169.254.169.254"])
def test_a_private_or_metadata_base_url_is_refused_even_with_the_loopback_allowance(api, tenant, admin, base_url):
    assert get_settings().provider_allow_loopback
    response = api.post("/api/inboxes/", whatsapp(tenant["provedor"]["id"], base_url), token=admin)
    assert response.status == 400 and response.json["details"]["field"] == "settings.base_url"


def test_a_loopback_base_url_is_accepted_with_the_allowance_and_a_replace_or_patch_is_checked(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    created = api.post("/api/inboxes/", whatsapp(pid, "http://127.0.0.1:9"), token=admin)
    assert created.status == 201, created.json
    url = f"/api/inboxes/{created.json['id']}/"
    patched = api.call("PATCH", url, {"settings": {"base_url": "http://169.254.169.254"}}, token=admin)
    replaced = api.call("PUT", url, whatsapp(pid, "https://10.0.0.5"), token=admin)
    for response in (patched, replaced):
        assert response.status == 400 and response.json["details"]["field"] == "settings.base_url"
    assert api.get(url, token=admin).json["settings"]["base_url"] == "http://127.0.0.1:9"


# -- media downloads -------------------------------------------------------------------------------------------------
def test_a_media_url_on_loopback_is_refused_without_the_allowance(tenant, inside, monkeypatch):
    pid = tenant["provedor"]["id"]
    make_inbox(pid, provider="evolution", token=EVOLUTION_KEY, base_url=inside.url, instance="provedor-a")
    allow_loopback(monkeypatch, False)
    answer = post_webhook(with_media_url(inside.serve_file("/media/a.oga", b"OggS", "audio/ogg"))).json
    stored = message(pid, answer)
    assert stored["media_status"] == "pending" and stored["media_error"] == MEDIA_REFUSED
    assert inside.requests == []


def test_a_provider_on_loopback_is_not_asked_for_media_without_the_allowance(tenant, inside, monkeypatch):
    pid = tenant["provedor"]["id"]
    make_inbox(pid, base_url=inside.url)  # written while loopback was allowed (or before the guard)
    inside.add_media(IMAGE_ID, b"\xff\xd8\xff\xe0 jpeg", "image/jpeg")
    allow_loopback(monkeypatch, False)
    stored = message(pid, post_webhook(uazapi("from-others-image.sent.json")).json)
    assert stored["media_status"] == "pending" and stored["media_error"] == PROVIDER_REFUSED
    assert inside.requests == []


def test_a_media_url_redirecting_to_another_loopback_port_is_refused_and_never_reaches_it(
    tenant, outside, inside, monkeypatch
):
    pid = tenant["provedor"]["id"]
    make_inbox(pid, provider="evolution", token=EVOLUTION_KEY, base_url=outside.url, instance="provedor-a")
    allow_loopback(monkeypatch, False)
    secret = inside.serve_file("/internal/secret", b"internal only")
    outside.script("GET", "/media/a.oga", Reply(302, headers={"Location": secret}))
    stored = message(pid, post_webhook(with_media_url(f"{outside.url}/media/a.oga")).json)
    assert stored["media_status"] == "pending" and stored["media_error"] == MEDIA_REFUSED
    assert [r.path for r in outside.requests] == ["/media/a.oga"] and inside.requests == []


def test_a_media_url_redirecting_to_the_metadata_address_is_refused_with_the_allowance_on(tenant, inside):
    pid = tenant["provedor"]["id"]
    make_inbox(pid, provider="evolution", token=EVOLUTION_KEY, base_url=inside.url, instance="provedor-a")
    target = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
    inside.script("GET", "/media/a.oga", Reply(307, headers={"Location": target}))
    stored = message(pid, post_webhook(with_media_url(f"{inside.url}/media/a.oga")).json)
    assert stored["media_status"] == "pending" and stored["media_error"] == MEDIA_REFUSED


# -- provider calls and what their failures say --------------------------------------------------------------------
@pytest.fixture
def world(aws, inside):
    return mw.build(inside.url)


def _send(api, world, content: str = "Olá"):
    from tests.integration import conversation_world as cw

    token = login(api, world["people"]["admin"]["username"], cw.PASSWORD)
    body = {"conversation_id": world["conversation"]["id"], "content": content}
    return api.post("/api/messages/send_text/", body, token=token), token


def test_a_provider_call_to_loopback_is_refused_without_the_allowance(api, world, inside, monkeypatch):
    allow_loopback(monkeypatch, False)
    response, token = _send(api, world)
    assert response.status == 502, response.json
    details = response.json["details"]
    assert details["provider_error"] == PROVIDER_REFUSED and details["provider_status"] is None
    assert inside.requests == []
    shown = api.get(f"/api/messages/{details['message_id']}/", token=token).json
    assert shown["status"] == "failed" and shown["error"]["message"] == PROVIDER_REFUSED


def test_an_error_response_and_the_stored_message_carry_no_provider_text(api, world, inside):
    inside.script("POST", "/send/text", Reply(400, {"error": PROVIDER_TEXT}))
    response, token = _send(api, world)
    assert response.status == 502
    assert "Missing" not in response.raw["body"] and "10.1.2.3" not in response.raw["body"]
    assert response.json["details"]["provider_error"] == "O provedor de WhatsApp recusou a operação (HTTP 400)"
    shown = api.get(f"/api/messages/{response.json['details']['message_id']}/", token=token)
    assert "Missing" not in shown.raw["body"] and shown.json["error"]["status"] == 400


def test_no_answer_says_the_same_whatever_the_network_said(api, aws, monkeypatch):
    world = mw.build("http://127.0.0.1:9")  # nothing listens: connection refused
    response, _ = _send(api, world)
    assert response.status == 502
    assert response.json["details"]["provider_error"] == "O provedor de WhatsApp não respondeu"
    assert "Errno" not in response.raw["body"] and "Connect" not in response.raw["body"]


def test_a_failed_media_download_stores_a_fixed_reason(tenant, inside):
    pid = tenant["provedor"]["id"]
    make_inbox(pid, base_url=inside.url)
    inside.script("POST", "/message/download", *[Reply(404, {"error": "Message not found in /var/lib/uazapi"})] * 3)
    stored = message(pid, post_webhook(uazapi("from-others-image.sent.json")).json)
    assert stored["media_status"] == "pending"
    assert stored["media_error"] == "O provedor de WhatsApp recusou a operação (HTTP 404)"
