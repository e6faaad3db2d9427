"""GET/PATCH /api/integrations/{whatsapp,telegram,email,webchat}/: the WhatsApp inboxes as configured, the other
channels' stored settings; secrets masked for admins, absent for agents, masked in the audit log."""

from __future__ import annotations

import json

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
    assert audit["count"] == 4 and BOT not in json.dumps(audit) and "senha-do-email-123" not in json.dumps(audit)

    assert api.call("PATCH", "/api/integrations/email/", {"username": "x"}, token=agent).status == 403
    bad = api.call("PATCH", "/api/integrations/webchat/", {"widget_color": "azul"}, token=admin)
    assert bad.status == 400 and bad.json["details"]["field"] == "widget_color"
    token = api.call("PATCH", "/api/integrations/telegram/", {"bot_token": "nao-e-um-token"}, token=admin)
    assert token.status == 400 and token.json["details"]["field"] == "bot_token"
    assert api.call("PATCH", "/api/integrations/whatsapp/", {}, token=admin).status == 400
    assert api.get("/api/integrations/fax/", token=admin).status == 404
