"""Provedores with WhatsApp inboxes for the webhook tests, deliveries to post, and readers of what got stored."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path
from typing import Any

import boto3

from niochat.directory.provedores import create_provedor
from niochat.domain.users import Principal, UserType
from niochat.inboxes import service as inboxes
from niochat.inboxes.models import InboxCreate
from niochat.settings import get_settings
from niochat.store import contacts, conversations, messages
from niochat.store.table import Item, table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROOT = Principal(user_id=0, provedor_id=None, user_type=UserType.SUPERADMIN, username="root")
UAZAPI_TOKEN = "xxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"  # the token the real Uazapi fixtures carry
EVOLUTION_KEY = "evo-key-provedor-a-123"  # the apikey of tests/fixtures/evolution
CUSTOMER = "+40723973035"
EVO_CUSTOMER = "+5543991834229"


def uazapi(name: str, **message: Any) -> dict[str, Any]:
    payload = json.loads((FIXTURES / "uazapi" / name).read_text())
    payload["message"].update(message)
    return payload


_customer_texts = itertools.count(1)


def customer_text(text: str) -> dict[str, Any]:
    """A customer's Uazapi text delivery saying `text`, with a message id of its own."""
    n = next(_customer_texts)
    payload = uazapi("from-others-text.sent.json", messageid=f"AC{n:030d}", id=f"x:AC{n:030d}", text=text)
    payload["message"]["content"]["text"] = text
    return payload


def evolution(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / "evolution" / f"{name}.json").read_text())


def with_token(payload: dict[str, Any], token: str) -> dict[str, Any]:
    payload = copy.deepcopy(payload)
    payload["token" if "EventType" in payload else "apikey"] = token
    return payload


def make_provedor(name: str = "Provedor A") -> int:
    return int(create_provedor(name)["id"])


def make_inbox(
    provedor_id: int,
    provider: str = "uazapi",
    token: str = UAZAPI_TOKEN,
    base_url: str = "http://127.0.0.1:9",  # nothing listens: media downloads fail fast
    instance: str = "eKoB39",
    **settings: Any,
) -> tuple[Item, str]:
    """(inbox, webhook secret)."""
    body = {"provider": provider, "base_url": base_url, "instance": instance, "token": token, **settings}
    created = inboxes.create(ROOT, provedor_id, InboxCreate(name="WhatsApp", channel_type="whatsapp",
                                                             provedor=provedor_id, settings=body))  # fmt: skip
    return created.inbox, created.webhook_secret


def contact_by_phone(provedor_id: int, phone: str) -> Item | None:
    entry = contacts.phone_entry(provedor_id, phone)
    return contacts.contacts.get(provedor_id, int(entry["contact_id"]), consistent=True) if entry else None


def conversation(provedor_id: int, conversation_id: int) -> Item:
    found = conversations.conversations.get(provedor_id, conversation_id, consistent=True)
    assert found is not None
    return found


def messages_of(provedor_id: int, conversation_id: int) -> list[Item]:
    """Oldest first, activity messages left out."""
    found = table().query_all(messages.pk(provedor_id, conversation_id), consistent=True)
    return [m for m in found if m.get("message_type") != "activity"]


def message(provedor_id: int, answer: dict[str, Any]) -> Item:
    found = messages.read(provedor_id, int(answer["conversation_id"]), int(answer["message_id"]))
    assert found is not None
    return found


def all_items() -> list[Item]:
    """Every item of the table (a Scan: tests only)."""
    client = boto3.client("dynamodb")
    items, start = [], None
    while True:
        kwargs = {"TableName": get_settings().table_name, **({"ExclusiveStartKey": start} if start else {})}
        page = client.scan(**kwargs)
        items.extend(page["Items"])
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def items_of_provedor(provedor_id: int) -> list[dict[str, Any]]:
    prefix = f"P#{provedor_id}#"
    return [i for i in all_items() if i["PK"]["S"].startswith(prefix)]


def media_objects() -> list[str]:
    listed = boto3.client("s3").list_objects_v2(Bucket=get_settings().media_bucket)
    return [o["Key"] for o in listed.get("Contents", [])]


class StubProvider:
    """A provider client that serves the files a test gives it (by provider message id) and records what it was
    asked; every other download fails as the provider would (installed with `install_provider`)."""

    def __init__(self) -> None:
        self.files: dict[str, Any] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.inboxes: list[Item] = []

    def add(self, external_id: str, content: bytes, mime_type: str) -> None:
        from niochat.channels.base import MediaFile

        self.files[external_id] = MediaFile(content, mime_type)

    def download_media(self, external_id: str, delivery: dict[str, Any]) -> Any:
        from niochat.channels.base import ProviderError

        self.calls.append((external_id, delivery))
        if external_id not in self.files:
            raise ProviderError("Message not found", 404)
        return self.files[external_id]


def install_provider(monkeypatch: Any) -> StubProvider:
    from niochat.webhooks import media

    stub = StubProvider()

    def client_for(inbox: Item) -> StubProvider:
        stub.inboxes.append(inbox)
        return stub

    monkeypatch.setattr(media, "provider_client", client_for)
    return stub
