"""The agents' console in a real browser: Debian's chromium, driven by playwright-core (console/tests/browser.mjs),
against one local stack and the fake WhatsApp provider. Flows: log in; an inbound webhook message appears in the
list and in the open thread without a reload; reply, and the fake provider receives the text; assign to an
agent, close, reopen; the dashboard shows the numbers the API returns; an agent does not see the settings.
Screenshots: test-results/console/<flow>.png. `make test` (and `make e2e`) build the console and install
chromium first."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ROOT, LocalStackProcess, login
from tests.support.deliveries import uazapi_text
from tests.support.fake_provider import FakeProvider

pytestmark = pytest.mark.e2e

CONSOLE = ROOT / "console"
SCREENSHOTS = ROOT / "test-results" / "console"
PASSWORD = "senha-forte-console"
NODE_TIMEOUT = 150


def _requirements() -> tuple[str, str]:
    chromium = shutil.which("chromium")
    node = shutil.which("node")
    missing = []
    if not (CONSOLE / "dist" / "index.html").is_file():
        missing.append("the console's build (run `make console`)")
    if not (CONSOLE / "node_modules" / "playwright-core").is_dir():
        missing.append("console/node_modules (run `make console`)")
    if chromium is None:
        missing.append("chromium (run `make e2e`, or apt-get install chromium)")
    if node is None:
        missing.append("node")
    if missing:
        pytest.fail("the browser tests need " + ", ".join(missing), pytrace=False)
    assert chromium is not None and node is not None
    return chromium, node


def _delivery(text: str, phone_digits: str) -> dict[str, Any]:
    """The Uazapi fixture as a new customer's message: its own message id, number and text."""
    jid = f"{phone_digits}@s.whatsapp.net"
    delivery = uazapi_text(text, chatid=jid, sender_pn=jid, senderName="Cliente Navegador")
    delivery["chat"].update(phone=f"+{phone_digits}", wa_chatid=jid, name="Cliente Navegador")
    return delivery


def _seed(stack: LocalStackProcess, fake: FakeProvider) -> dict[str, Any]:
    """An admin and an agent of the demo provedor, and a WhatsApp inbox on the fake provider."""
    with stack.http() as client:
        headers = {"Authorization": f"Token {login(client, 'demo-admin', 'niochat-demo')}"}
        provedor = client.get("/api/auth/me/", headers=headers).json()["provedor_id"]
        people: dict[str, dict[str, Any]] = {}
        for role, first_name in (("admin", "Ana"), ("agent", "Beto")):
            username = f"{first_name.lower()}.{role}.{uuid.uuid4().hex[:4]}"
            body = {
                "username": username,
                "email": f"{username}@console.example",
                "password": PASSWORD,
                "user_type": role,
                "first_name": first_name,
                "permissions": ["view_assigned_conversations"],
            }
            created = client.post("/api/users/", json=body, headers=headers)
            assert created.status_code == 201, created.text
            people[role] = {"id": created.json()["id"], "username": username, "first_name": first_name}
        settings = {"provider": "uazapi", "base_url": fake.url, "token": "console-e2e-token", "instance": "console"}
        body = {"name": "WhatsApp Navegador", "channel_type": "whatsapp", "provedor": provedor, "settings": settings}
        inbox = client.post("/api/inboxes/", json=body, headers=headers)
        assert inbox.status_code == 201, inbox.text
        return {"people": people, "webhook_url": inbox.json()["webhook_url"]}


def test_the_console_flows_in_a_browser(stack: LocalStackProcess, fake: FakeProvider, tmp_path: Path) -> None:
    chromium, node = _requirements()
    seeded = _seed(stack, fake)
    webhook = seeded["webhook_url"]
    webhook_url = stack.base_url + webhook[webhook.index("/webhook") :]
    phone = f"55119{uuid.uuid4().int % 10**8:08d}"
    texts = [f"Minha internet caiu {uuid.uuid4().hex[:6]}", f"Ainda sem sinal {uuid.uuid4().hex[:6]}",
             f"Voltou agora? {uuid.uuid4().hex[:6]}"]  # fmt: skip
    deliveries = tmp_path / "deliveries.json"
    deliveries.write_text(json.dumps([_delivery(text, phone) for text in texts]))
    reply = f"Olá! Vamos verificar sua conexão ({uuid.uuid4().hex[:6]})"
    results = tmp_path / "results.json"
    admin, agent = seeded["people"]["admin"], seeded["people"]["agent"]
    env = {
        **os.environ,
        "CONSOLE_URL": stack.base_url,
        "CHROMIUM": chromium,
        "ADMIN_USER": admin["username"],
        "ADMIN_PASSWORD": PASSWORD,
        "AGENT_USER": agent["username"],
        "AGENT_PASSWORD": PASSWORD,
        "AGENT_NAME": agent["first_name"],
        "ADMIN_NAME": admin["first_name"],
        "AGENT_ID": str(agent["id"]),
        "WEBHOOK_URL": webhook_url,
        "FAKE_PROVIDER_URL": fake.url,
        "DELIVERIES": str(deliveries),
        "INBOUND_TEXTS": json.dumps(texts),
        "REPLY_TEXT": reply,
        "SCREENSHOTS": str(SCREENSHOTS),
        "RESULTS": str(results),
    }
    run = subprocess.run(
        [node, str(CONSOLE / "tests" / "browser.mjs")],
        cwd=CONSOLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT,
    )
    output = f"--- node (exit {run.returncode}) ---\n{run.stdout}\n{run.stderr}"
    if not results.exists():
        stack.fail(f"the browser run wrote no results\n{output}")
    flows = {flow["name"]: flow for flow in json.loads(results.read_text())["results"]}
    failed = [name for name, flow in flows.items() if not flow["ok"]]
    assert not failed, f"browser flows failed: {failed}\n{output}\nscreenshots in {SCREENSHOTS}"
    expected = {"login", "inbound-live", "reply", "reconnect-catch-up", "assign-close-reopen", "dashboard",
                "contacts", "settings", "team-chat", "csat", "phone", "agent-no-settings"}  # fmt: skip
    assert expected <= set(flows), f"flows missing: {expected - set(flows)}\n{output}"

    # The reply reached WhatsApp: the fake provider got exactly that text for the customer's chat (its number,
    # or the chat id the inbound message stored).
    sent = [request.json for request in fake.requests_to("/send/text")]
    to_customer = [body["text"] for body in sent if body["number"] in (phone, f"{phone}@s.whatsapp.net")]
    assert to_customer == [reply], sent
    for flow in flows.values():
        assert Path(flow["screenshot"]).is_file(), flow
