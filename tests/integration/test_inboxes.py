"""Inboxes: CRUD, per-channel settings, secrets shown once and masked after, webhook pointers."""

from __future__ import annotations

import json
import threading

import boto3
import pytest

from niochat.settings import get_settings
from niochat.webhooks.auth import find_for_webhook
from tests.integration.conftest import login

TOKEN = "uazapi-token-0001-abcdef"


@pytest.fixture
def admin(api, tenant):
    return login(api, "admin_a", "senha-forte-1")


def whatsapp(provedor, token=TOKEN, **extra):
    settings = {"provider": "uazapi", "base_url": "https://niochat.uazapi.com/", "instance": "loja1", "token": token}
    return {
        "name": "WhatsApp Business",
        "channel_type": "whatsapp",
        "provedor": provedor,
        "settings": settings,
        **extra,
    }


def new_inbox(api, token, body):
    response = api.post("/api/inboxes/", body, token=token)
    assert response.status == 201, response.json
    return response.json


def pointers() -> list[dict]:
    """Every webhook pointer item in the table (a Scan: tests only)."""
    items = boto3.client("dynamodb").scan(TableName=get_settings().table_name)["Items"]
    return [i for i in items if i["PK"]["S"].startswith(("WEBHOOKSECRET#", "PROVIDERTOKEN#"))]


def masked(value: str) -> str:
    return f"{value[:4]}…{value[-4:]}"


def test_create_shows_secrets_once_and_every_later_response_masks_them(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    created = new_inbox(api, admin, whatsapp(pid, channel=1))
    secret = created["webhook_secret"]
    assert len(secret) >= 40
    assert created["webhook_url"] == f"http://localhost:8010/webhook/evolution-uazapi/?secret={secret}"
    assert created["settings"] == {
        "provider": "uazapi", "base_url": "https://niochat.uazapi.com", "instance": "loja1", "token": TOKEN,
        "group_messages": False, "ai_enabled": False,
    }  # fmt: skip
    assert created["connection_status"] == "unknown" and created["is_active"] is True
    assert created["provedor"] == pid and created["channel"] == 1 and created["channel_type"] == "whatsapp"

    url = f"/api/inboxes/{created['id']}/"
    responses = [
        api.get(url, token=admin),
        api.get("/api/inboxes/", token=admin),
        api.get(url, token=login(api, "agent_a", "senha-forte-2")),
        api.call("PATCH", url, {"name": "Loja 1"}, token=admin),
        api.call("PUT", url, {**whatsapp(pid), "name": "Loja"}, token=admin),
    ]
    for response in responses:
        assert response.status == 200, response.json
        body = response.raw["body"]
        assert secret not in body and TOKEN not in body
        inbox = response.json["results"][0] if "results" in response.json else response.json
        assert inbox["webhook_secret"] == masked(secret)
        assert inbox["webhook_url"] == f"http://localhost:8010/webhook/evolution-uazapi/?secret={masked(secret)}"
        assert inbox["settings"]["token"] == masked(TOKEN)


def test_webhook_url_uses_the_configured_base(api, tenant, admin, monkeypatch):
    monkeypatch.setenv("WEBHOOK_BASE_URL", "https://hooks.example.com/")
    get_settings.cache_clear()
    try:
        created = new_inbox(api, admin, whatsapp(tenant["provedor"]["id"]))
    finally:
        get_settings.cache_clear()
    assert created["webhook_url"].startswith("https://hooks.example.com/webhook/evolution-uazapi/?secret=")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": None}, "name"),
        ({"channel_type": None}, "channel_type"),
        ({"name": 5}, "name"),
        ({"name": "A" * 256}, "name"),
        ({"name": "   "}, "name"),
        ({"provedor": "1"}, "provedor"),
        ({"provedor": 999}, "provedor"),
        ({"channel_type": "sms"}, "channel_type"),
        ({"is_active": "sim"}, "is_active"),
        ({"settings": None}, "settings"),
        ({"settings": "uazapi"}, "settings"),
        ({"settings": {"provider": "twilio"}}, "settings.provider"),
        ({"settings": {"base_url": "ftp://niochat.uazapi.com"}}, "settings.base_url"),
        ({"settings": {"base_url": "niochat.uazapi.com"}}, "settings.base_url"),
        ({"settings": {"token": None}}, "settings.token"),
        ({"settings": {"token": "abc"}}, "settings.token"),
        ({"settings": {"instance": 7}}, "settings.instance"),
        ({"settings": {"group_messages": "yes"}}, "settings.group_messages"),
        ({"settings": {"webhook": "x"}}, "settings.webhook"),
    ],
)
def test_invalid_create_is_400_with_the_field_and_writes_nothing(api, tenant, admin, change, field):
    body = whatsapp(tenant["provedor"]["id"])
    for key, value in change.items():
        if key == "settings" and isinstance(value, dict):
            body["settings"] = {**body["settings"], **value}
            body["settings"] = {k: v for k, v in body["settings"].items() if v is not None}
        elif value is None:
            body.pop(key)
        else:
            body[key] = value
    response = api.post("/api/inboxes/", body, token=admin)
    assert response.status == 400, response.json
    assert response.json["error"] == "ValidationError"
    assert response.json["details"]["field"] == field
    assert api.get("/api/inboxes/", token=admin).json["count"] == 0
    assert pointers() == []


def test_other_channels_take_their_settings_with_secrets_masked_and_a_size_limit(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    bot_token = "123456:telegram-bot-token-xyz"
    body = {"name": "Telegram", "channel_type": "telegram", "provedor": pid, "settings": {"bot_token": bot_token}}
    created = new_inbox(api, admin, body)
    assert created["settings"] == {"bot_token": bot_token}
    shown = api.get(f"/api/inboxes/{created['id']}/", token=admin)
    assert shown.json["settings"] == {"bot_token": masked(bot_token)}
    assert bot_token not in shown.raw["body"]
    webchat = new_inbox(api, admin, {"name": "Site", "channel_type": "webchat", "provedor": pid})
    assert webchat["settings"] == {}
    too_big = {**body, "settings": {"blob": "x" * 17_000}}
    response = api.post("/api/inboxes/", too_big, token=admin)
    assert response.status == 400 and response.json["details"]["field"] == "settings"
    assert api.get("/api/inboxes/", token=admin).json["count"] == 2


@pytest.mark.parametrize(
    ("method", "body", "field"),
    [
        ("PATCH", {"name": "A" * 256}, "name"),
        ("PATCH", {"name": 5}, "name"),
        ("PATCH", {"channel_type": "telegram"}, "channel_type"),
        ("PATCH", {"is_active": "no"}, "is_active"),
        ("PATCH", {"provedor": 999}, "provedor"),
        ("PATCH", {"settings": {"provider": "twilio"}}, "settings.provider"),
        ("PATCH", {"settings": {"base_url": "javascript:alert(1)"}}, "settings.base_url"),
        ("PUT", {"channel_type": "whatsapp"}, "name"),
        ("PUT", {"name": "Nova"}, "channel_type"),
        ("PUT", {"name": "Nova", "channel_type": "whatsapp"}, "settings"),
        ("PUT", {"name": "Nova", "channel_type": "whatsapp", "settings": {"provider": "uazapi"}}, "settings.base_url"),
    ],
)
def test_invalid_change_is_400_and_changes_nothing(api, tenant, admin, method, body, field):
    created = new_inbox(api, admin, whatsapp(tenant["provedor"]["id"]))
    url = f"/api/inboxes/{created['id']}/"
    before = api.get(url, token=admin).json
    before_pointers = pointers()
    response = api.call(method, url, body, token=admin)
    assert response.status == 400, response.json
    assert response.json["details"]["field"] == field
    assert api.get(url, token=admin).json == before
    assert pointers() == before_pointers


def test_patch_merges_settings_and_a_masked_token_sent_back_keeps_the_token(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    created = new_inbox(api, admin, whatsapp(pid))
    url = f"/api/inboxes/{created['id']}/"
    patched = api.call("PATCH", url, {"settings": {"ai_enabled": True}}, token=admin).json
    assert patched["settings"]["ai_enabled"] is True and patched["settings"]["instance"] == "loja1"
    shown = api.get(url, token=admin).json
    round_trip = api.call("PUT", url, {**shown, "name": "Editada"}, token=admin)
    assert round_trip.status == 200, round_trip.json
    assert find_for_webhook(None, TOKEN)["name"] == "Editada"


def test_changing_the_token_moves_its_pointer(api, tenant, admin):
    created = new_inbox(api, admin, whatsapp(tenant["provedor"]["id"]))
    url = f"/api/inboxes/{created['id']}/"
    new_token = "uazapi-token-0002-ghijkl"
    assert api.call("PATCH", url, {"settings": {"token": new_token}}, token=admin).status == 200
    assert find_for_webhook(None, TOKEN) is None
    assert find_for_webhook(None, new_token)["id"] == created["id"]
    assert len(pointers()) == 2  # the secret's and the new token's


def test_a_provider_token_belongs_to_one_inbox(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    first = new_inbox(api, admin, whatsapp(pid))
    duplicate = api.post("/api/inboxes/", {**whatsapp(pid), "name": "Outra"}, token=admin)
    assert duplicate.status == 400, duplicate.json
    assert duplicate.json["details"]["field"] == "settings.token"
    assert api.get("/api/inboxes/", token=admin).json["count"] == 1
    assert len(pointers()) == 2
    second = new_inbox(api, admin, whatsapp(pid, token="uazapi-token-0003-mnopqr", name="Outra"))
    clash = api.call("PATCH", f"/api/inboxes/{second['id']}/", {"settings": {"token": TOKEN}}, token=admin)
    assert clash.status == 400 and clash.json["details"]["field"] == "settings.token"
    assert find_for_webhook(None, TOKEN)["id"] == first["id"]
    assert find_for_webhook(None, "uazapi-token-0003-mnopqr")["id"] == second["id"]


def test_find_for_webhook_by_secret_or_token_only_for_active_inboxes(api, tenant, admin):
    created = new_inbox(api, admin, whatsapp(tenant["provedor"]["id"]))
    secret = created["webhook_secret"]
    assert find_for_webhook(secret, None)["id"] == created["id"]
    assert find_for_webhook(None, TOKEN)["id"] == created["id"]
    assert find_for_webhook(secret, TOKEN)["provedor_id"] == tenant["provedor"]["id"]
    assert find_for_webhook("wrong-secret", TOKEN) is None  # a wrong secret is refused, not retried by token
    assert find_for_webhook(masked(secret), None) is None
    assert find_for_webhook(None, "unknown-token-123") is None
    assert find_for_webhook(None, None) is None
    url = f"/api/inboxes/{created['id']}/"
    api.call("PATCH", url, {"is_active": False}, token=admin)
    assert find_for_webhook(secret, None) is None and find_for_webhook(None, TOKEN) is None
    api.call("PATCH", url, {"is_active": True}, token=admin)
    assert find_for_webhook(secret, None)["id"] == created["id"]


def test_delete_removes_the_inbox_and_its_pointers(api, tenant, admin):
    created = new_inbox(api, admin, whatsapp(tenant["provedor"]["id"]))
    url = f"/api/inboxes/{created['id']}/"
    assert api.call("DELETE", url, token=admin).status == 204
    assert api.get(url, token=admin).status == 404
    assert api.call("DELETE", url, token=admin).status == 404
    assert api.get("/api/inboxes/", token=admin).json["count"] == 0
    assert pointers() == []
    assert find_for_webhook(created["webhook_secret"], None) is None
    new_inbox(api, admin, whatsapp(tenant["provedor"]["id"]))  # the token is free again


def test_agents_read_but_only_admins_write(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    created = new_inbox(api, admin, whatsapp(pid))
    url = f"/api/inboxes/{created['id']}/"
    agent = login(api, "agent_a", "senha-forte-2")
    assert api.get("/api/inboxes/", token=agent).json["count"] == 1
    assert api.post("/api/inboxes/", whatsapp(pid, token="uazapi-token-0004-stuvwx"), token=agent).status == 403
    assert api.call("PATCH", url, {"name": "Agente"}, token=agent).status == 403
    assert api.call("PUT", url, whatsapp(pid), token=agent).status == 403
    assert api.call("DELETE", url, token=agent).status == 403
    assert api.get(url, token=admin).json["name"] == "WhatsApp Business"
    assert api.get("/api/inboxes/", token=admin).json["count"] == 1


def test_superadmin_names_the_provedor(api, tenant):
    root = login(api, "root", "senha-forte-0")
    pid = tenant["provedor"]["id"]
    created = new_inbox(api, root, whatsapp(pid))
    assert api.get("/api/inboxes/", token=root).status == 400
    listed = api.get("/api/inboxes/", token=root, query={"provedor": str(pid)}).json
    assert [i["id"] for i in listed["results"]] == [created["id"]]
    missing = api.post("/api/inboxes/", {k: v for k, v in whatsapp(pid).items() if k != "provedor"}, token=root)
    assert missing.status == 400 and missing.json["details"]["field"] == "provedor"


def test_list_is_newest_first_and_paginated(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    for i in range(3):
        new_inbox(api, admin, {"name": f"Chat {i}", "channel_type": "webchat", "provedor": pid})
    page = api.get("/api/inboxes/", token=admin, query={"page_size": "2"}).json
    assert page["count"] == 3 and page["next"]
    assert [i["name"] for i in page["results"]] == ["Chat 2", "Chat 1"]
    assert json.dumps(page).count("webhook_secret") == 2


def test_concurrent_token_changes_leave_one_winner_and_no_stale_pointer(api, tenant, admin, monkeypatch):
    from niochat.errors import ApiError
    from niochat.inboxes import service
    from niochat.inboxes.models import InboxPatch
    from niochat.store import inboxes

    pid = tenant["provedor"]["id"]
    created = new_inbox(api, admin, whatsapp(pid))
    caller = _principal(tenant["admin"])
    barrier = threading.Barrier(2)
    original = service.get

    def get_then_wait(*args, **kwargs):
        inbox = original(*args, **kwargs)
        barrier.wait(timeout=10)  # both requests read version 1 before either writes
        return inbox

    monkeypatch.setattr(service, "get", get_then_wait)
    outcomes: dict[str, int] = {}

    def change(token: str) -> None:
        try:
            service.update(caller, pid, created["id"], InboxPatch(settings={"token": token}))
            outcomes[token] = 200
        except ApiError as error:
            outcomes[token] = error.status

    tokens = ["uazapi-token-race-aaaaaa", "uazapi-token-race-bbbbbb"]
    threads = [threading.Thread(target=change, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == [200, 409]
    winner = next(t for t, status in outcomes.items() if status == 200)
    assert inboxes.inboxes.get(pid, created["id"])["settings"]["token"] == winner
    assert [find_for_webhook(None, t) is not None for t in (*tokens, TOKEN)] == [t == winner for t in (*tokens, TOKEN)]
    assert len(pointers()) == 2


def _principal(user: dict):
    from niochat.domain.users import Principal, UserType

    return Principal(user_id=user["id"], provedor_id=user["provedor_id"], user_type=UserType(user["user_type"]),
                     username=user["username"])  # fmt: skip
