"""Inbox secrets: masked by each channel's settings schema (nested too, whatever their name), the provider
token never sent to a new host without being typed again, and the webhook secret rotated by admins."""

from __future__ import annotations

import json

import pytest

from niochat.store import inboxes as inbox_store
from tests.integration.conftest import login, post_webhook
from tests.integration.webhook_world import uazapi

TOKEN = "uazapi-token-0001-abcdef"
SMTP_PASSWORD = "smtp-senha-muito-secreta-1"
IMAP_PASSWORD = "imap-senha-muito-secreta-2"
HMAC_KEY = "chave-de-assinatura-do-site-0123"


@pytest.fixture
def admin(api, tenant):
    return login(api, "admin_a", "senha-forte-1")


@pytest.fixture
def agent(api, tenant):
    return login(api, "agent_a", "senha-forte-2")


def masked(value: str) -> str:
    return f"{value[:4]}…{value[-4:]}"


def create(api, token, body):
    response = api.post("/api/inboxes/", body, token=token)
    assert response.status == 201, response.json
    return response.json


def whatsapp(pid, base_url="https://niochat.uazapi.com"):
    settings = {"provider": "uazapi", "base_url": base_url, "instance": "eKoB39", "token": TOKEN}
    return {"name": "WhatsApp", "channel_type": "whatsapp", "provedor": pid, "settings": settings}


def email_inbox(pid):
    server = {"port": 993, "username": "atendimento@a.example", "security": "ssl"}
    settings = {
        "address": "atendimento@a.example",
        "imap": {**server, "host": "imap.a.example", "password": IMAP_PASSWORD},
        "smtp": {**server, "host": "smtp.a.example", "port": 587, "security": "starttls", "password": SMTP_PASSWORD},
    }
    return {"name": "Email", "channel_type": "email", "provedor": pid, "settings": settings}


def test_nested_secrets_and_secrets_not_named_like_one_never_reach_an_agent(api, tenant, admin, agent):
    pid = tenant["provedor"]["id"]
    mail = create(api, admin, email_inbox(pid))
    assert mail["settings"]["smtp"]["password"] == SMTP_PASSWORD  # the creation's 201 shows what was sent
    site = create(api, admin, {"name": "Site", "channel_type": "webchat", "provedor": pid,
                               "settings": {"welcome": "Olá!", "hmac_key": HMAC_KEY}})  # fmt: skip
    for caller in (agent, admin):
        responses = [api.get(f"/api/inboxes/{i['id']}/", token=caller) for i in (mail, site)]
        responses.append(api.get("/api/inboxes/", token=caller))
        for response in responses:
            assert response.status == 200, response.json
            for secret in (SMTP_PASSWORD, IMAP_PASSWORD, HMAC_KEY):
                assert secret not in response.raw["body"]
        shown = responses[0].json["settings"]
        assert shown["smtp"] == {"host": "smtp.a.example", "port": 587, "security": "starttls",
                                 "username": "atendimento@a.example", "password": masked(SMTP_PASSWORD)}  # fmt: skip
        assert shown["imap"]["password"] == masked(IMAP_PASSWORD) and shown["imap"]["host"] == "imap.a.example"
        assert responses[1].json["settings"] == {"welcome": "Olá!", "hmac_key": masked(HMAC_KEY)}


def test_what_a_get_shows_can_be_put_back_and_keeps_every_nested_secret(api, tenant, admin):
    mail = create(api, admin, email_inbox(tenant["provedor"]["id"]))
    url = f"/api/inboxes/{mail['id']}/"
    shown = api.get(url, token=admin).json
    assert api.call("PUT", url, {**shown, "name": "Email 2"}, token=admin).status == 200
    stored = inbox_store.inboxes.get(tenant["provedor"]["id"], mail["id"], consistent=True)
    assert stored["settings"]["smtp"]["password"] == SMTP_PASSWORD
    assert stored["settings"]["imap"]["password"] == IMAP_PASSWORD


@pytest.mark.parametrize(
    ("channel_type", "settings", "field"),
    [
        ("telegram", {"bot_token": "123456:telegram-bot-token", "api_credential": "x"}, "settings.api_credential"),
        ("webchat", {"hmac_key": "curta"}, "settings.hmac_key"),
        ("email", {"smtp": {"host": "smtp.a.example", "port": 587, "pass": "x"}}, "settings.smtp.pass"),
        ("email", {"smtp": {"host": "smtp.a.example", "port": 70000}}, "settings.smtp.port"),
        ("telegram", {}, "settings.bot_token"),
    ],
)
def test_each_channel_takes_only_the_settings_its_model_declares(api, tenant, admin, channel_type, settings, field):
    body = {"name": "Canal", "channel_type": channel_type, "provedor": tenant["provedor"]["id"], "settings": settings}
    response = api.post("/api/inboxes/", body, token=admin)
    assert response.status == 400, response.json
    assert response.json["details"]["field"] == field


def test_stored_settings_the_model_does_not_declare_are_masked(api, tenant, admin, agent):
    pid = tenant["provedor"]["id"]
    bot = create(api, admin, {"name": "Bot", "channel_type": "telegram", "provedor": pid,
                              "settings": {"bot_token": "123456:telegram-bot-token"}})  # fmt: skip
    legacy = {"bot_token": "123456:telegram-bot-token", "integration": {"client_key": "legacy-credential-9876"}}
    inbox_store.inboxes.update(pid, bot["id"], {"settings": legacy})  # written before the models existed
    response = api.get(f"/api/inboxes/{bot['id']}/", token=agent)
    assert "legacy-credential-9876" not in response.raw["body"]
    assert response.json["settings"] == {"bot_token": masked("123456:telegram-bot-token"), "integration": "…"}


def test_a_new_provider_host_needs_the_token_typed_again(api, tenant, admin):
    inbox = create(api, admin, whatsapp(tenant["provedor"]["id"]))
    url = f"/api/inboxes/{inbox['id']}/"
    before = api.get(url, token=admin).json
    for method, body in (
        ("PATCH", {"settings": {"base_url": "https://evo.example"}}),
        ("PATCH", {"settings": {"base_url": "https://evo.example", "token": masked(TOKEN)}}),
        ("PATCH", {"settings": {"base_url": "http://niochat.uazapi.com"}}),  # another scheme is another origin
        ("PATCH", {"settings": {"base_url": "https://niochat.uazapi.com:8443"}}),
        ("PUT", {**before, "settings": {**before["settings"], "base_url": "https://evo.example"}}),
    ):
        response = api.call(method, url, body, token=admin)
        assert response.status == 400, (body, response.json)
        assert response.json["details"]["field"] == "settings.token"
        assert response.json["details"]["message"] == (
            "Ao mudar o servidor do provedor (base_url), informe o token novamente"
        )
        assert api.get(url, token=admin).json == before
    # the same host (another path) keeps the token; a new host with the token typed again, or a new token, works
    same_host = {"settings": {"base_url": "https://niochat.uazapi.com/v2"}}
    assert api.call("PATCH", url, same_host, token=admin).status == 200
    moved = api.call("PATCH", url, {"settings": {"base_url": "https://evo.example", "token": TOKEN}}, token=admin)
    assert moved.status == 200 and moved.json["settings"]["base_url"] == "https://evo.example"
    new_token = "uazapi-token-0002-ghijkl"
    again = {"settings": {"base_url": "https://niochat.uazapi.com", "token": new_token}}
    assert api.call("PATCH", url, again, token=admin).status == 200
    assert inbox_store.by_token(new_token, consistent=True)["inbox_id"] == inbox["id"]


def test_rotating_the_webhook_secret_returns_the_new_url_once_and_the_old_secret_stops_at_once(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    created = create(api, admin, whatsapp(pid))
    old_secret = created["webhook_secret"]
    assert post_webhook(uazapi("from-others-text.sent.json"), query={"secret": old_secret}).status == 200

    rotated = api.post(f"/api/inboxes/{created['id']}/rotate_secret/", token=admin)
    assert rotated.status == 200, rotated.json
    secret = rotated.json["webhook_secret"]
    assert secret != old_secret and len(secret) >= 40
    assert rotated.json["webhook_url"] == f"http://localhost:8010/webhook/evolution-uazapi/?secret={secret}"
    assert set(rotated.json) == set(created)  # the creation's shape
    assert rotated.json["settings"]["token"] == masked(TOKEN)  # the provider token stays masked
    assert TOKEN not in rotated.raw["body"]

    later = {"messageid": "ROTATED0001", "id": "x:ROTATED0001"}
    assert post_webhook(uazapi("from-others-text.sent.json", **later), query={"secret": old_secret}).status == 401
    stored = post_webhook(uazapi("from-others-text.sent.json", **later), query={"secret": secret})
    assert stored.status == 200 and stored.json["status"] == "stored"
    shown = api.get(f"/api/inboxes/{created['id']}/", token=admin).json
    assert shown["webhook_secret"] == masked(secret) and secret not in json.dumps(shown)
    assert shown["webhook_url"] == f"http://localhost:8010/webhook/evolution-uazapi/?secret={masked(secret)}"

    audit = api.get("/api/audit-logs/", token=admin, query={"action": "inbox_secret_rotated"}).json
    assert audit["count"] == 1
    entry = audit["results"][0]
    assert entry["details"] == {"inbox_id": created["id"], "inbox_name": "WhatsApp"}
    assert entry["user"]["id"] == tenant["admin"]["id"] and secret not in json.dumps(entry)


def test_only_the_inboxs_admins_and_superadmins_rotate_its_secret(api, tenant, admin, agent):
    from niochat.directory.provedores import create_provedor
    from niochat.directory.users import create_user
    from niochat.domain.users import UserType

    pid = tenant["provedor"]["id"]
    inbox = create(api, admin, whatsapp(pid))
    path = f"/api/inboxes/{inbox['id']}/rotate_secret/"
    other = create_provedor("Provedor B", "contato@b.example")
    create_user(username="admin_b", password="senha-forte-9", user_type=UserType.ADMIN, provedor_id=other["id"],
                email="admin@b.example")  # fmt: skip
    outsider = login(api, "admin_b", "senha-forte-9")
    root = login(api, "root", "senha-forte-0")

    forbidden = api.post(path, token=agent)
    assert forbidden.status == 403 and forbidden.json["error"] == "PermissionError"
    assert api.post(path, token=outsider).status == 404
    assert api.post(path, token=outsider, query={"provedor": str(pid)}).status == 404  # the query is ignored
    assert api.post("/api/inboxes/999/rotate_secret/", token=admin).status == 404
    assert api.post(path).status == 401
    assert api.post(path, token=root).status == 400  # a superadmin names the provedor
    assert api.post(path, token=root, query={"provedor": str(pid)}).status == 200
    assert api.get(f"/api/inboxes/{inbox['id']}/", token=admin).json["webhook_secret"] != inbox["webhook_secret"]
    audit = api.get("/api/audit-logs/", token=admin, query={"action": "inbox_secret_rotated"}).json
    assert audit["count"] == 1 and audit["results"][0]["user"]["id"] == tenant["superadmin"]["id"]
