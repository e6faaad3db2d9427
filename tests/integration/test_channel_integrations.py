"""GET/PATCH /api/integrations/{whatsapp,telegram,email,webchat}/: the WhatsApp inboxes as configured, the other
channels' stored settings; secrets masked for admins, absent for agents, masked in the audit log."""

from __future__ import annotations

import json

import pytest

from niochat.domain.masking import mask
from tests.integration.conftest import login
from tests.integration.webhook_world import make_inbox

BOT = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def test_channels_store_settings_mask_secrets_and_audit_them_masked(api, tenant):
    admin, agent = login(api, "admin_a", "senha-forte-1"), login(api, "agent_a", "senha-forte-2")
    make_inbox(tenant["provedor"]["id"])
    whatsapp = api.get("/api/integrations/whatsapp/", token=admin).json
    (inbox,) = whatsapp["inboxes"]
    assert inbox["provider"] == "uazapi" and inbox["instance"] == "eKoB39" and "…" in inbox["webhook_url"]
    assert "webhook_url" not in api.get("/api/integrations/whatsapp/", token=agent).json["inboxes"][0]

    saved = api.call("PATCH", "/api/integrations/telegram/", {"bot_token": BOT, "bot_username": "provedor_bot"},
                     token=admin)  # fmt: skip
    assert saved.status == 200, saved.json
    assert saved.json["settings"] == {"bot_token": f"{BOT[:4]}…{BOT[-4:]}", "bot_username": "provedor_bot"}
    again = api.call("PATCH", "/api/integrations/telegram/", {"bot_token": saved.json["settings"]["bot_token"]},
                     token=admin)  # fmt: skip
    assert again.status == 200 and again.json["settings"]["bot_token"] == saved.json["settings"]["bot_token"]
    email = {"imap_host": "imap.example.com", "imap_port": 993, "imap_tls": True, "username": "a@x.com",
             "password": "senha-do-email-123"}  # fmt: skip
    assert api.call("PATCH", "/api/integrations/email/", email, token=admin).status == 200
    webchat = {"widget_color": "#1A2B3C", "welcome_message": "Olá!", "pre_chat_form": ["name", "phone"]}
    assert api.call("PATCH", "/api/integrations/webchat/", webchat, token=admin).json["settings"]["widget_color"]

    for channel, secret in (("telegram", BOT), ("email", "senha-do-email-123")):
        seen = api.get(f"/api/integrations/{channel}/", token=agent).json
        assert secret not in json.dumps(seen) and "bot_token" not in seen["settings"]
        assert "password" not in seen["settings"]
        assert secret not in api.get(f"/api/integrations/{channel}/", token=admin).raw["body"]
    audit = api.get("/api/audit-logs/", token=admin, query={"action": "integration_updated"}).json
    assert audit["count"] == 3 and BOT not in json.dumps(
        audit
    )  # the token sent back as its mask: no change and "senha-do-email-123" not in json.dumps(audit)

    assert api.call("PATCH", "/api/integrations/email/", {"username": "x"}, token=agent).status == 403
    bad = api.call("PATCH", "/api/integrations/webchat/", {"widget_color": "azul"}, token=admin)
    assert bad.status == 400 and bad.json["details"]["field"] == "widget_color"
    token = api.call("PATCH", "/api/integrations/telegram/", {"bot_token": "nao-e-um-token"}, token=admin)
    assert token.status == 400 and token.json["details"]["field"] == "bot_token"
    assert api.call("PATCH", "/api/integrations/whatsapp/", {}, token=admin).status == 400
    assert api.get("/api/integrations/fax/", token=admin).status == 404


def test_an_agent_sees_no_secret_at_all_and_the_audit_log_only_masks(api, tenant):
    """An agent's GET of every channel has no secret field (not even masked); a PATCH that changes nothing
    (a secret sent back as its mask, a field as stored) writes and audits nothing; every audit entry shows
    secrets masked or removed; removing a secret deletes its parameter."""
    from niochat.store import clients, secrets

    admin, agent = login(api, "admin_a", "senha-forte-1"), login(api, "agent_a", "senha-forte-2")
    pid = tenant["provedor"]["id"]
    password = "uma-senha-de-email-bem-longa"
    saved = api.call("PATCH", "/api/integrations/email/", {"username": "a@x.com", "password": password}, token=admin)
    assert saved.json["settings"]["password"] == mask(password) and password not in saved.raw["body"]
    assert api.call("PATCH", "/api/integrations/telegram/", {"bot_token": BOT}, token=admin).status == 200
    for channel in ("whatsapp", "telegram", "email", "webchat"):
        seen = api.get(f"/api/integrations/{channel}/", token=agent)
        assert seen.status == 200, seen.json
        body = seen.raw["body"]
        for secret in ("password", "bot_token", "webhook_url", "…", password[-4:], BOT[-4:]):
            assert secret not in body, (channel, secret)

    def audit() -> list[dict]:
        return api.get("/api/audit-logs/", token=admin, query={"action": "integration_updated"}).json["results"]

    before, version = len(audit()), api.get("/api/integrations/email/", token=admin).json["updated_at"]
    same = {"username": "a@x.com", "password": mask(password)}
    unchanged = api.call("PATCH", "/api/integrations/email/", same, token=admin)
    assert unchanged.status == 200 and unchanged.json["settings"]["password"] == mask(password)
    assert unchanged.json["updated_at"] == version and len(audit()) == before
    assert secrets.get(secrets.name_of(pid, "email-password")) == password  # kept

    removed = api.call("PATCH", "/api/integrations/telegram/", {"bot_token": ""}, token=admin)
    assert removed.status == 200 and removed.json["settings"]["bot_token"] is None
    ssm = clients.ssm()
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name=secrets.name_of(pid, "telegram-bot_token"))
    entries = audit()
    assert len(entries) == before + 1
    for entry in entries:
        changes = entry["details"]["changes"]
        for name in ("password", "bot_token"):
            assert changes.get(name) in (None, mask(password), mask(BOT)), entry
    assert password not in json.dumps(entries) and BOT not in json.dumps(entries)


def test_whatsapp_last_seen_is_when_the_provider_last_reported_the_connection(api, tenant):
    from tests.integration.conftest import post_webhook
    from tests.integration.webhook_world import EVOLUTION_KEY, evolution

    admin = login(api, "admin_a", "senha-forte-1")
    make_inbox(tenant["provedor"]["id"], provider="evolution", token=EVOLUTION_KEY, instance="provedor-a")
    (inbox,) = api.get("/api/integrations/whatsapp/", token=admin).json["inboxes"]
    assert inbox["last_seen_at"] is None  # never reported: not the inbox's own creation time
    assert post_webhook(evolution("connection-open")).json["connection_status"] == "connected"
    (inbox,) = api.get("/api/integrations/whatsapp/", token=admin).json["inboxes"]
    assert inbox["connection_status"] == "connected" and inbox["last_seen_at"] is not None
