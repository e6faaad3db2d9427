"""Webhook deliveries for tests and benchmarks, made from the providers' recorded ones (tests/fixtures)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
UAZAPI_TEXT = FIXTURES / "uazapi" / "from-others-text.sent.json"


def uazapi_text(text: str, message_id: str | None = None, **message: Any) -> dict[str, Any]:
    """The recorded Uazapi text message from a customer (from-others-text.sent.json) as a new one saying `text`,
    with a message id of its own (a random one unless given) and any other `message` fields replaced (such as
    `chatid`, another customer's)."""
    payload = json.loads(UAZAPI_TEXT.read_text())
    message_id = message_id or uuid.uuid4().hex.upper()
    payload["message"].update(id=f"{payload['owner']}:{message_id}", messageid=message_id, text=text, **message)
    payload["message"]["content"]["text"] = text
    return payload


def uazapi_text_from(number: str, text: str, message_id: str | None = None) -> dict[str, Any]:
    """uazapi_text from the customer whose WhatsApp number is `number` (digits): the chat's and the sender's."""
    jid = f"{number}@s.whatsapp.net"
    payload = uazapi_text(text, message_id, chatid=jid, sender=jid)
    payload["chat"].update(wa_chatid=jid, phone=f"+{number}")
    return payload
