"""Masking secrets and validating inbox settings (pure: no AWS; names resolved by a stub, no DNS)."""

from __future__ import annotations

import socket

import pytest

from niochat.domain.masking import is_mask_of, mask
from niochat.errors import ValidationError
from niochat.inboxes.models import channel_settings
from niochat.settings import get_settings

WHATSAPP = {"provider": "evolution", "base_url": "https://evo.example.com/", "instance": "loja", "token": "t" * 20}
NAMES = {
    "evo.example.com": "93.184.215.14",
    "localhost": "127.0.0.1",
    "intranet.example.com": "10.20.30.40",
    "metadata.google.internal": "169.254.169.254",
}


@pytest.fixture(autouse=True)
def resolver(monkeypatch: pytest.MonkeyPatch):
    def getaddrinfo(host, port, *args, **kwargs):
        address = NAMES.get(host, host)
        try:
            socket.inet_pton(socket.AF_INET6 if ":" in address else socket.AF_INET, address)
        except OSError:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        return [(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.delenv("PROVIDER_ALLOW_LOOPBACK", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_mask_shows_four_and_four_only_for_long_enough_values():
    secret = "abcdEFGHijklMNOPqrstUVWXyz"
    assert mask(secret) == "abcd…WXyz"
    assert mask("123456789012") == "1234…9012"
    assert mask("12345678901") == "…"
    assert mask("") == "…"
    assert mask(None) is None


def test_a_mask_sent_back_is_recognised_only_for_its_value():
    assert is_mask_of(mask("uazapi-token-0001"), "uazapi-token-0001")
    assert not is_mask_of(mask("uazapi-token-0001"), "uazapi-token-0002")
    assert not is_mask_of("uazapi-token-0001", "uazapi-token-0001")
    assert not is_mask_of(None, None)


def test_whatsapp_settings_are_normalised_with_defaults():
    assert channel_settings("whatsapp", WHATSAPP) == {**WHATSAPP, "base_url": "https://evo.example.com",
                                                      "group_messages": False, "ai_enabled": False}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"base_url": "http://[::1"}, "settings.base_url"),
        ({"base_url": "http://host:99999"}, "settings.base_url"),
        ({"base_url": "https://"}, "settings.base_url"),
        ({"base_url": "https://evo example.com"}, "settings.base_url"),
        ({"token": "short"}, "settings.token"),
        ({"token": "has a space inside"}, "settings.token"),
        ({"instance": ""}, "settings.instance"),
        ({"ai_enabled": 1}, "settings.ai_enabled"),
        ({"provider": "Uazapi"}, "settings.provider"),
    ],
)
def test_invalid_whatsapp_settings_name_the_inner_field(change, field):
    with pytest.raises(ValidationError) as raised:
        channel_settings("whatsapp", {**WHATSAPP, **change})
    assert raised.value.details["field"] == field


@pytest.mark.parametrize(
    "base_url",
    [
        "http://169.254.169.254",
        "http://169.254.169.254/latest/meta-data/",
        "http://metadata.google.internal",
        "https://10.0.0.5",
        "https://intranet.example.com:8080",
        "http://localhost:8080",
        "http://127.0.0.1:9",
        "http://[::1]:8080",
        "http://[::ffff:10.0.0.5]",
        "http://0.0.0.0",
        "https://100.64.1.2",
        "https://user:senha@evo.example.com",
        "https://nao-existe.invalid",
    ],
)
def test_a_base_url_the_egress_guard_refuses_is_a_400_on_the_base_url(base_url):
    with pytest.raises(ValidationError) as raised:
        channel_settings("whatsapp", {**WHATSAPP, "base_url": base_url})
    assert raised.value.details["field"] == "settings.base_url"


def test_an_unresolvable_host_is_refused_as_not_found():
    with pytest.raises(ValidationError) as raised:
        channel_settings("whatsapp", {**WHATSAPP, "base_url": "https://nao-existe.invalid"})
    assert "não encontrado" in str(raised.value.details)


def test_with_the_loopback_allowance_loopback_passes_and_private_addresses_still_do_not(monkeypatch):
    monkeypatch.setenv("PROVIDER_ALLOW_LOOPBACK", "1")
    get_settings.cache_clear()
    for base_url in ("http://127.0.0.1:9", "http://localhost:8080/", "http://[::1]:8080"):
        assert channel_settings("whatsapp", {**WHATSAPP, "base_url": base_url})["base_url"] == base_url.rstrip("/")
    for base_url in ("https://10.0.0.5", "http://169.254.169.254", "http://192.168.0.1", "http://0.0.0.0:8080"):
        with pytest.raises(ValidationError) as raised:
            channel_settings("whatsapp", {**WHATSAPP, "base_url": base_url})
        assert raised.value.details["field"] == "settings.base_url"


def test_missing_whatsapp_settings_and_oversized_free_settings_are_refused():
    with pytest.raises(ValidationError) as raised:
        channel_settings("whatsapp", None)
    assert raised.value.details["field"] == "settings"
    assert channel_settings("email", None) == {}
    with pytest.raises(ValidationError):
        channel_settings("email", {"signature": "x" * 20_000})


def test_every_channels_model_declares_its_secrets_nested_included():
    from niochat.inboxes.channel_settings import secrets_of

    assert {name for name, rule in secrets_of("whatsapp").items() if rule is True} == {"token"}
    assert {name for name, rule in secrets_of("telegram").items() if rule is True} == {"bot_token"}
    assert {name for name, rule in secrets_of("webchat").items() if rule is True} == {"hmac_key"}
    server = {"host": False, "port": False, "security": False, "username": False, "password": True}
    assert secrets_of("email") == {"address": False, "display_name": False, "imap": server, "smtp": server,
                                   "signature": False, "ai_enabled": False}  # fmt: skip


def test_masking_follows_the_tree_and_hides_what_it_does_not_declare():
    from niochat.domain.masking import mask_secrets, restore_secrets

    tree = {"host": False, "password": True, "servers": {"name": False, "key": True}}
    value = {"host": "smtp.example", "password": "senha-secreta-longa", "servers": [{"name": "a", "key": "k" * 20}],
             "unknown": {"deep": "segredo"}, "none": None}  # fmt: skip
    shown = mask_secrets(value, tree)
    assert shown == {"host": "smtp.example", "password": "senh…onga", "servers": [{"name": "a", "key": "kkkk…kkkk"}],
                     "unknown": "…", "none": None}  # fmt: skip
    sent = {**shown, "host": "smtp2.example", "unknown": "novo"}
    assert restore_secrets(sent, value, tree) == {**value, "host": "smtp2.example", "unknown": "novo"}
    assert restore_secrets({"password": "outra"}, value, tree) == {"password": "outra"}
