"""Masking secrets and validating inbox settings (pure: no AWS)."""

from __future__ import annotations

import pytest

from niochat.domain.masking import is_mask_of, mask
from niochat.errors import ValidationError
from niochat.inboxes.models import channel_settings

WHATSAPP = {"provider": "evolution", "base_url": "https://evo.example.com/", "instance": "loja", "token": "t" * 20}


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


def test_missing_whatsapp_settings_and_oversized_free_settings_are_refused():
    with pytest.raises(ValidationError) as raised:
        channel_settings("whatsapp", None)
    assert raised.value.details["field"] == "settings"
    assert channel_settings("email", None) == {}
    with pytest.raises(ValidationError):
        channel_settings("email", {"signature": "x" * 20_000})
