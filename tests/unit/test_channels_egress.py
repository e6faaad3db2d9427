"""No server-side request forgery through the provider clients, over real HTTP: every request (each attempt,
each redirect, each connection) goes only where the egress guard allows; redirects are followed by us, at
most 3, checked, without the provider's credentials on another origin; failures say a fixed text.

Two fake servers play the parts: `outside` on 127.0.0.2, treated as a public host (`pretend_public`), and
`inside` on 127.0.0.1, an internal service that must never receive a request unless loopback is allowed
(both fixtures of tests/conftest.py)."""

from __future__ import annotations

import socket
import time

import pytest

from niochat.channels import client_for
from niochat.channels.base import (
    MEDIA_ADDRESS_REFUSED,
    NO_ANSWER,
    PROVIDER_ADDRESS_REFUSED,
    TOO_MANY_REDIRECTS,
    ProviderError,
)
from niochat.settings import get_settings
from tests.support.fake_provider import FakeProvider, Reply
from tests.support.provider_settings import OUTSIDE, allow_loopback, pretend_public, quick_timeouts

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


@pytest.fixture(autouse=True)
def settings(monkeypatch: pytest.MonkeyPatch):
    quick_timeouts(monkeypatch, deadline=10)
    allow_loopback(monkeypatch, False)
    yield
    get_settings.cache_clear()


def uazapi(base_url: str):
    return client_for({"settings": {"provider": "uazapi", "base_url": base_url, "token": "tok-uazapi-1"}})


def evolution(base_url: str = f"http://{OUTSIDE}:9"):
    settings = {"provider": "evolution", "base_url": base_url, "instance": "loja", "token": "tok-evolution-1"}
    return client_for({"settings": settings})


def linked(url: str) -> dict:
    return {"data": {"message": {"imageMessage": {"mimetype": "image/png"}, "mediaUrl": url}}}


def redirect(to: str, status: int = 302) -> Reply:
    return Reply(status, headers={"Location": to})


# -- loopback without the allowance ---------------------------------------------------------------------------
def test_a_provider_call_to_loopback_is_refused_without_the_allowance_and_not_retried(inside):
    started = time.monotonic()
    with pytest.raises(ProviderError) as raised:
        uazapi(inside.url).send_text("5511999990001", "Oi")
    assert raised.value.message == PROVIDER_ADDRESS_REFUSED and raised.value.status is None
    assert "loopback" in (raised.value.detail or "")
    assert inside.requests == [] and time.monotonic() - started < 0.5


def test_a_media_download_from_loopback_is_refused_without_the_allowance(inside):
    url = inside.serve_file("/media/a.png", PNG, "image/png")
    with pytest.raises(ProviderError) as raised:
        evolution().download_media("X", linked(url))
    assert raised.value.message == MEDIA_ADDRESS_REFUSED
    assert inside.requests == []


def test_with_the_allowance_loopback_is_reachable(inside, monkeypatch):
    allow_loopback(monkeypatch)
    url = inside.serve_file("/media/a.png", PNG, "image/png")
    assert evolution().download_media("X", linked(url)).content == PNG
    assert uazapi(inside.url).send_text("5511999990001", "Oi").external_id


def test_a_file_link_the_provider_answers_is_checked_too(outside, monkeypatch):
    allow_loopback(monkeypatch)
    outside.script("POST", "/message/download", Reply(200, {"fileURL": "http://169.254.169.254/latest/meta-data/"}))
    with pytest.raises(ProviderError) as raised:
        uazapi(outside.url).download_media("3EB0AAA", {})
    assert raised.value.message == MEDIA_ADDRESS_REFUSED and "metadata" in (raised.value.detail or "")


# -- redirects ------------------------------------------------------------------------------------------------
def test_a_redirect_to_another_loopback_port_is_refused_and_never_reaches_it(outside, inside):
    outside.script("GET", "/media/a.png", redirect(inside.serve_file("/secret", b"internal")))
    with pytest.raises(ProviderError) as raised:
        evolution().download_media("X", linked(f"{outside.url}/media/a.png"))
    assert raised.value.message == MEDIA_ADDRESS_REFUSED
    assert len(outside.requests) == 1 and inside.requests == []


def test_a_provider_call_redirected_inside_is_refused_and_not_retried(outside, inside):
    outside.script("POST", "/send/text", redirect(f"{inside.url}/send/text", 307))
    with pytest.raises(ProviderError) as raised:
        uazapi(outside.url).send_text("5511999990001", "Oi")
    assert raised.value.message == PROVIDER_ADDRESS_REFUSED
    assert len(outside.requests) == 1 and inside.requests == []


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/iam/security-credentials/", "http://[::ffff:169.254.169.254]/",
     "http://10.0.0.5/", "http://100.64.0.1/", "http://0.0.0.0:9001/"],
)  # fmt: skip
def test_a_redirect_to_metadata_or_private_addresses_is_refused_even_with_the_allowance(outside, monkeypatch, target):
    allow_loopback(monkeypatch)
    outside.script("GET", "/media/a.png", redirect(target))
    started = time.monotonic()
    with pytest.raises(ProviderError) as raised:
        evolution().download_media("X", linked(f"{outside.url}/media/a.png"))
    assert raised.value.message == MEDIA_ADDRESS_REFUSED and len(outside.requests) == 1
    assert time.monotonic() - started < 0.5  # refused before any connection was tried


def _private_address() -> str | None:
    """A non-loopback, non-public address of this machine, if it has one (a container's eth0): the source
    address of a route out (a UDP "connection" sends nothing)."""
    from niochat.channels import egress

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("93.184.215.14", 80))
            address = probe.getsockname()[0]
    except OSError:
        return None
    parsed = egress.ipaddress.ip_address(address)
    return address if not parsed.is_loopback and not parsed.is_global else None


def test_a_redirect_to_a_private_server_that_listens_is_refused_even_with_the_allowance(inside, monkeypatch):
    address = _private_address()
    if address is None:
        pytest.skip("this machine has no private non-loopback address to listen on")
    allow_loopback(monkeypatch)
    with FakeProvider(address) as private:
        inside.script("GET", "/media/a.png", redirect(private.serve_file("/secret", b"internal")))
        with pytest.raises(ProviderError) as raised:
            evolution().download_media("X", linked(f"{inside.url}/media/a.png"))
        assert raised.value.message == MEDIA_ADDRESS_REFUSED and private.requests == []


def test_redirects_are_followed_relative_and_at_most_three(outside):
    outside.script("GET", "/a", redirect("/b"))
    outside.script("GET", "/b", redirect("c", 301))
    outside.script("GET", "/c", redirect(f"{outside.url}/d.png", 308))
    outside.serve_file("/d.png", PNG, "image/png")
    assert evolution().download_media("X", linked(f"{outside.url}/a")).content == PNG
    assert [r.path for r in outside.requests] == ["/a", "/b", "/c", "/d.png"]

    for path, target in (("/1", "/2"), ("/2", "/3"), ("/3", "/4"), ("/4", "/5")):
        outside.script("GET", path, redirect(target))
    outside.requests.clear()
    with pytest.raises(ProviderError) as raised:
        evolution().download_media("X", linked(f"{outside.url}/1"))
    assert raised.value.message == TOO_MANY_REDIRECTS
    assert [r.path for r in outside.requests] == ["/1", "/2", "/3", "/4"]


def test_a_redirect_keeps_credentials_on_the_same_origin_only(inside, monkeypatch):
    allow_loopback(monkeypatch)
    with FakeProvider() as elsewhere:
        inside.script("POST", "/send/text", redirect("/v2/send/text", 307))
        inside.script("POST", "/v2/send/text", redirect(f"{elsewhere.url}/send/text", 307))
        uazapi(inside.url).send_text("5511999990001", "Oi")
        first, second = inside.requests
        (moved,) = elsewhere.requests
    assert first.headers["token"] == second.headers["token"] == "tok-uazapi-1"
    assert "token" not in moved.headers  # another port is another origin
    assert (moved.method, moved.json) == ("POST", {"number": "5511999990001", "text": "Oi"})  # 307 keeps both


def test_a_malformed_location_is_refused(outside):
    outside.script("GET", "/media/a.png", redirect("http://provider.example:99999/x"))
    with pytest.raises(ProviderError) as raised:
        evolution().download_media("X", linked(f"{outside.url}/media/a.png"))
    assert raised.value.message == MEDIA_ADDRESS_REFUSED and "malformed" in (raised.value.detail or "")


def test_a_302_after_a_post_becomes_a_get_without_the_body(outside):
    outside.script("POST", "/send/text", redirect("/sent"))
    outside.script("GET", "/sent", Reply(200, {"messageid": "3EB0FFF"}))
    assert uazapi(outside.url).send_text("5511999990001", "Oi").external_id == "3EB0FFF"
    moved = outside.requests[1]
    assert (moved.method, moved.body) == ("GET", b"")


# -- the guard before each attempt and at each connection -------------------------------------------------------
def _resolving(monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> list[str]:
    """`provider.test` resolves to each of `answers` in turn (then the last again); returns the log of calls."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != "provider.test":
            return real(host, port, *args, **kwargs)
        address = answers[min(len(asked), len(answers) - 1)]
        asked.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_a_retry_is_checked_again_and_a_refusal_ends_the_call(outside, monkeypatch):
    outside.script("POST", "/send/text", Reply(503), Reply(200, {"messageid": "3EB0AAA"}))
    port = outside.url.rsplit(":", 1)[1]
    asked = _resolving(monkeypatch, [OUTSIDE, OUTSIDE, "10.0.0.5"])  # check and connect, then elsewhere
    with pytest.raises(ProviderError) as raised:
        uazapi(f"http://provider.test:{port}").send_text("5511999990001", "Oi")
    assert raised.value.message == PROVIDER_ADDRESS_REFUSED
    assert len(outside.requests) == 1 and asked == [OUTSIDE, OUTSIDE, "10.0.0.5"]


def test_a_name_that_resolves_inside_at_connection_time_is_refused(inside, monkeypatch):
    """DNS rebinding: public when checked, loopback when connecting."""
    port = inside.url.rsplit(":", 1)[1]
    _resolving(monkeypatch, ["93.184.215.14", "127.0.0.1"])
    with pytest.raises(ProviderError) as raised:
        evolution().download_media("X", linked(f"http://provider.test:{port}/media/a.png"))
    assert raised.value.message == MEDIA_ADDRESS_REFUSED and "loopback" in (raised.value.detail or "")
    assert inside.requests == []


# -- what a failure says ----------------------------------------------------------------------------------------
def test_failures_carry_a_fixed_message_and_the_provider_text_only_in_the_detail(outside):
    outside.script("POST", "/send/text", Reply(400, {"error": "Missing number or text (internal 10.1.2.3)"}))
    with pytest.raises(ProviderError) as raised:
        uazapi(outside.url).send_text("5511999990001", "Oi")
    assert raised.value.message == "O provedor de WhatsApp recusou a operação (HTTP 400)"
    assert "Missing number" in (raised.value.detail or "") and "Missing number" in (raised.value.body or "")


def test_no_answer_is_one_message_whatever_the_network_said(monkeypatch):
    pretend_public(monkeypatch)
    with socket.socket() as probe:
        probe.bind((OUTSIDE, 0))
        port = probe.getsockname()[1]
    with pytest.raises(ProviderError) as raised:
        evolution(f"http://{OUTSIDE}:{port}").send_text("5511999990001", "Oi")  # nothing listens there
    assert raised.value.message == NO_ANSWER and raised.value.status is None
    assert "ConnectError" in (raised.value.detail or "")
