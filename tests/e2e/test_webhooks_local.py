"""Provider webhooks through the local stack: the gateway hands the webhooks function a Function URL (v2)
event, as AWS does, and a delivery becomes a conversation the API shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import LocalStackProcess, login

pytestmark = pytest.mark.e2e

ADMIN = ("demo-admin", "niochat-demo")
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "uazapi" / "from-others-text.sent.json"


def test_a_delivery_without_proof_is_refused_on_both_paths(stack: LocalStackProcess) -> None:
    with stack.http() as client:
        for path in ("/webhook/evolution-uazapi/", "/webhooks/evolution-uazapi/"):
            response = client.post(path, json={"EventType": "messages"})
            assert response.status_code == 401, response.text
            assert response.json()["error"] == "AuthenticationError"
        assert client.post("/webhook/evolution-uazapi/", content=b"not json").status_code == 400


def test_a_delivery_with_the_inbox_secret_opens_a_conversation(stack: LocalStackProcess) -> None:
    with stack.http() as client:
        token = login(client, *ADMIN)
        headers = {"Authorization": f"Token {token}"}
        provedor = client.get("/api/auth/me/", headers=headers).json()["provedor_id"]
        settings = {"provider": "uazapi", "base_url": "http://127.0.0.1:9", "instance": "eKoB39",
                    "token": "e2e-token-0123456789"}  # fmt: skip
        body = {"name": "WhatsApp e2e", "channel_type": "whatsapp", "provedor": provedor, "settings": settings}
        created = client.post("/api/inboxes/", json=body, headers=headers)
        assert created.status_code == 201, created.text
        url = created.json()["webhook_url"]
        path_and_query = url[url.index("/webhook/") :]

        delivery = json.loads(FIXTURE.read_text())
        first = client.post(path_and_query, json=delivery)
        assert first.status_code == 200 and first.json()["status"] == "stored", first.text
        again = client.post(path_and_query, json=delivery)
        assert again.json()["status"] == "duplicate"

        conversations = client.get("/api/conversations/", headers=headers).json()["results"]
        mine = [c for c in conversations if c["id"] == first.json()["conversation_id"]]
        assert mine and mine[0]["last_message"]["content"] == "Oi", conversations
