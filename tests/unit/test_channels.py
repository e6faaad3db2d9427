"""Provider clients against the fake provider on loopback (PROVIDER_ALLOW_LOOPBACK on): exact paths, headers
and bodies; retries on timeouts, connection errors and 5xx only, within the attempt limit; failures say a
fixed text, the provider's own words kept for the log (test_channels_egress.py: where requests may go)."""

from __future__ import annotations

import base64
import socket
import time

import pytest

from niochat.channels import client_for
from niochat.channels.base import Attachment, ProviderError
from niochat.channels.evolution import EvolutionClient
from niochat.channels.factory import InvalidProviderSettings
from niochat.channels.uazapi import UazapiClient
from niochat.settings import get_settings
from tests.support.fake_provider import OWNER, FakeProvider, Reply
from tests.support.provider_settings import allow_loopback, quick_timeouts

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture(autouse=True)
def fast_timeouts(monkeypatch):
    quick_timeouts(monkeypatch, deadline=10)
    allow_loopback(monkeypatch)  # the fake provider is on 127.0.0.1
    yield
    get_settings.cache_clear()


@pytest.fixture
def fake():
    with FakeProvider() as server:
        yield server


def uazapi(fake) -> UazapiClient:
    return client_for({"settings": {"provider": "uazapi", "base_url": fake.url + "/", "token": "tok-u"}})


def evolution(fake) -> EvolutionClient:
    settings = {"provider": "evolution", "base_url": fake.url, "instance": "loja 1", "token": "tok-e"}
    return client_for({"settings": settings})


# -- Uazapi -----------------------------------------------------------------------------------------------
def test_uazapi_send_text_with_reply(fake):
    result = uazapi(fake).send_text("5511999990001", "Olá", reply_to="3EB0AAA")
    (request,) = fake.requests
    assert (request.method, request.path) == ("POST", "/send/text")
    assert request.headers["token"] == "tok-u" and request.headers["content-type"] == "application/json"
    assert request.json == {"number": "5511999990001", "text": "Olá", "replyid": "3EB0AAA"}
    assert result.external_id.startswith("3EB0") and result.aliases == (f"{OWNER}:{result.external_id}",)


def test_uazapi_send_text_without_reply_has_no_replyid(fake):
    uazapi(fake).send_text("5511999990001", "Oi")
    assert fake.requests[0].json == {"number": "5511999990001", "text": "Oi"}


def test_uazapi_send_media_document(fake):
    document = Attachment("document", b"%PDF-1.4", "application/pdf", "nota.pdf")
    result = uazapi(fake).send_media("5511999990001", document, "Segue")
    (request,) = fake.requests_to("/send/media", "POST")
    assert request.json == {
        "number": "5511999990001",
        "type": "document",
        "file": base64.b64encode(b"%PDF-1.4").decode(),
        "text": "Segue",
        "docName": "nota.pdf",
    }
    assert result.external_id


def test_uazapi_send_media_voice_is_ptt_and_image_has_no_doc_name(fake):
    client = uazapi(fake)
    client.send_media("5511999990001", Attachment("voice", b"ogg", "audio/ogg", "a.ogg"), None)
    client.send_media("5511999990001", Attachment("image", PNG, "image/png", "f.png"), None)
    voice, image = (r.json for r in fake.requests)
    assert voice == {"number": "5511999990001", "type": "ptt", "file": base64.b64encode(b"ogg").decode()}
    assert image["type"] == "image" and "docName" not in image and "text" not in image


def test_uazapi_react_and_delete(fake):
    client = uazapi(fake)
    client.react("5511999990001", "3EB0AAA", "👍", from_me=False)
    client.react("40723973035@s.whatsapp.net", "3EB0AAA", "", from_me=False)
    client.delete("5511999990001", "3EB0BBB", from_me=True)
    react, unreact, delete = fake.requests
    assert react.path == "/message/react"
    assert react.json == {"number": "5511999990001@s.whatsapp.net", "text": "👍", "id": "3EB0AAA"}
    assert unreact.json == {"number": "40723973035@s.whatsapp.net", "text": "", "id": "3EB0AAA"}
    assert (delete.method, delete.path, delete.json) == ("POST", "/message/delete", {"id": "3EB0BBB"})
    assert all(r.headers["token"] == "tok-u" for r in fake.requests)


def test_uazapi_download_asks_for_a_link_then_fetches_it(fake):
    fake.add_media("3EB0CCC", PNG, "image/png")
    media = uazapi(fake).download_media("3EB0CCC", {"message": {"content": {"mimetype": "image/png"}}})
    ask, fetch = fake.requests
    assert (ask.method, ask.path, ask.json) == ("POST", "/message/download", {"id": "3EB0CCC", "return_link": True})
    assert (fetch.method, fetch.path) == ("GET", "/files/3EB0CCC")
    assert media.content == PNG and media.mime_type == "image/png"


# -- Evolution --------------------------------------------------------------------------------------------
def test_evolution_send_text_quoted(fake):
    result = evolution(fake).send_text("5511999990001", "Olá", reply_to="3EB0AAA")
    (request,) = fake.requests
    assert (request.method, request.path) == ("POST", "/message/sendText/loja%201")
    assert request.headers["apikey"] == "tok-e" and "token" not in request.headers
    assert request.json == {"number": "5511999990001", "text": "Olá", "quoted": {"key": {"id": "3EB0AAA"}}}
    assert result.external_id.startswith("3EB0") and result.aliases == ()


def test_evolution_send_media(fake):
    evolution(fake).send_media("5511999990001", Attachment("image", PNG, "image/png", "foto.png"), "Veja")
    (request,) = fake.requests_to("/message/sendMedia/loja%201", "POST")
    assert request.json == {
        "number": "5511999990001",
        "mediatype": "image",
        "mimetype": "image/png",
        "caption": "Veja",
        "fileName": "foto.png",
        "media": base64.b64encode(PNG).decode(),
    }


def test_evolution_react_and_delete(fake):
    client = evolution(fake)
    client.react("5511999990001", "3EB0AAA", "❤️", from_me=False)
    client.delete("5511999990001", "3EB0BBB", from_me=True)
    react, delete = fake.requests
    assert (react.method, react.path) == ("POST", "/message/sendReaction/loja%201")
    assert react.json == {
        "key": {"remoteJid": "5511999990001@s.whatsapp.net", "fromMe": False, "id": "3EB0AAA"},
        "reaction": "❤️",
    }
    assert (delete.method, delete.path) == ("DELETE", "/chat/deleteMessageForEveryone/loja%201")
    assert delete.json == {"id": "3EB0BBB", "remoteJid": "5511999990001@s.whatsapp.net", "fromMe": True}


def test_evolution_download_prefers_what_the_webhook_carries(fake):
    client = evolution(fake)
    inline = {"data": {"key": {"id": "X"}, "message": {"imageMessage": {"mimetype": "image/png"}},
                       "base64": base64.b64encode(PNG).decode()}}  # fmt: skip
    assert client.download_media("X", inline).content == PNG
    url = fake.serve_file("/media/doc.pdf", b"%PDF", "application/pdf")
    linked = {"data": {"message": {"documentMessage": {"fileName": "doc.pdf", "mimetype": "application/pdf"},
                                   "mediaUrl": url}}}  # fmt: skip
    media = client.download_media("Y", linked)
    assert (media.content, media.mime_type, media.file_name) == (b"%PDF", "application/pdf", "doc.pdf")
    assert [(r.method, r.path) for r in fake.requests] == [("GET", "/media/doc.pdf")]


def test_evolution_download_asks_the_provider_otherwise(fake):
    fake.add_media("3EB0DDD", PNG, "image/png", "f.png")
    media = evolution(fake).download_media("3EB0DDD", {"data": {"message": {"imageMessage": {}}}})
    (request,) = fake.requests
    assert (request.method, request.path) == ("POST", "/chat/getBase64FromMediaMessage/loja%201")
    assert request.json == {"message": {"key": {"id": "3EB0DDD"}}, "convertToMp4": False}
    assert (media.content, media.mime_type, media.file_name) == (PNG, "image/png", "f.png")


# -- retries and errors -----------------------------------------------------------------------------------
def test_5xx_is_retried_until_it_succeeds(fake):
    fake.script("POST", "/send/text", Reply(500, {"error": "No session"}), Reply(503))
    result = uazapi(fake).send_text("5511999990001", "Oi")
    assert len(fake.requests_to("/send/text")) == 3 and result.external_id


def test_5xx_three_times_is_a_provider_error_with_the_status_and_body(fake):
    fake.script("POST", "/send/text", *[Reply(500, {"error": "Failed to send message"})] * 3)
    with pytest.raises(ProviderError) as raised:
        uazapi(fake).send_text("5511999990001", "Oi")
    assert len(fake.requests) == 3
    assert raised.value.status == 500 and "Failed to send message" in raised.value.body
    assert raised.value.message == "O provedor de WhatsApp falhou (HTTP 500)"
    assert "Failed to send message" in raised.value.detail


@pytest.mark.parametrize("status", [400, 401, 404, 429])
def test_4xx_is_never_retried(fake, status):
    fake.script("POST", "/message/sendText/loja%201", Reply(status, {"response": {"message": ["número inválido"]}}))
    with pytest.raises(ProviderError) as raised:
        evolution(fake).send_text("5511999990001", "Oi")
    assert len(fake.requests) == 1 and raised.value.status == status
    assert raised.value.message == f"O provedor de WhatsApp recusou a operação (HTTP {status})"
    assert "número inválido" in raised.value.detail


def test_a_timeout_is_retried_then_succeeds(fake):
    fake.script("POST", "/send/text", Reply(200, {"messageid": "SLOW"}, delay=1.5), Reply(200, {"messageid": "OK"}))
    result = uazapi(fake).send_text("5511999990001", "Oi")
    assert result.external_id == "OK" and len(fake.requests_to("/send/text")) == 2


def test_three_timeouts_are_a_provider_error_without_status(fake):
    fake.script("POST", "/message/sendText/loja%201", *[Reply(201, {"key": {"id": "LATE"}}, delay=1.5)] * 3)
    with pytest.raises(ProviderError) as raised:
        evolution(fake).send_text("5511999990001", "Oi")
    assert raised.value.status is None and raised.value.message == "O provedor de WhatsApp não respondeu"
    assert raised.value.detail == "timed out"
    assert len(fake.requests) == 3


def test_the_deadline_stops_retries(fake, monkeypatch):
    monkeypatch.setenv("PROVIDER_DEADLINE_SECONDS", "0.8")
    fake.script("POST", "/send/text", *[Reply(200, {"messageid": "LATE"}, delay=1.5)] * 3)
    started = time.monotonic()
    with pytest.raises(ProviderError):
        uazapi(fake).send_text("5511999990001", "Oi")
    assert len(fake.requests) == 2 and time.monotonic() - started < 1.4


def test_connection_refused_is_retried_then_a_provider_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = client_for({"settings": {"provider": "uazapi", "base_url": f"http://127.0.0.1:{port}", "token": "t"}})
    with pytest.raises(ProviderError) as raised:
        client.send_text("5511999990001", "Oi")
    assert raised.value.status is None and raised.value.message == "O provedor de WhatsApp não respondeu"
    assert "ConnectError" in raised.value.detail


def test_download_over_the_size_limit_is_refused(fake, monkeypatch):
    monkeypatch.setenv("MEDIA_MAX_BYTES", "100")
    get_settings.cache_clear()
    try:
        url = fake.serve_file("/big.bin", b"x" * 1000)
        with pytest.raises(ProviderError) as raised:
            evolution(fake).download_media("Z", {"data": {"message": {"mediaUrl": url}}})
        assert "limite" in raised.value.message and len(fake.requests) == 1
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"provider": "zapi", "base_url": "https://x", "token": "t"},
        {"provider": "uazapi", "base_url": "", "token": "t"},
        {"provider": "uazapi", "base_url": "https://x", "token": ""},
        {"provider": "evolution", "base_url": "https://x", "token": "t"},
    ],
)
def test_client_for_refuses_incomplete_settings(settings):
    with pytest.raises(InvalidProviderSettings):
        client_for({"settings": settings})
