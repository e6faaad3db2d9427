"""Provider webhooks through the real handler on moto: every fixture replayed and what it stored, proof of
origin, idempotency under concurrency, and the DynamoDB calls of the hot path."""

from __future__ import annotations

import base64
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from niochat.store import clients
from tests.integration.conftest import LambdaContext, function_url_event, load_function, post_webhook
from tests.integration.webhook_world import (
    CUSTOMER,
    EVO_CUSTOMER,
    EVOLUTION_KEY,
    all_items,
    contact_by_phone,
    conversation,
    evolution,
    install_provider,
    items_of_provedor,
    make_inbox,
    make_provedor,
    message,
    messages_of,
    uazapi,
    with_token,
)

TEXT = "from-others-text.sent.json"


@pytest.fixture
def world(aws, monkeypatch):
    install_provider(monkeypatch)  # serves no file: every download fails, the messages stay pending
    provedor_id = make_provedor()
    inbox, secret = make_inbox(provedor_id)
    return {"pid": provedor_id, "inbox": inbox, "secret": secret}


def test_uazapi_fixtures_store_contact_conversation_and_messages(world):
    pid = world["pid"]
    target = post_webhook(
        uazapi(TEXT, messageid="AC24A7E68360C7E9A54F64AB85FAECE2", id="x:AC24A7E68360C7E9A54F64AB85FAECE2")
    )
    answers = [post_webhook(uazapi(name)) for name in
               (TEXT, "from-others-image.sent.json", "from-others-audio.sent.json", "from-others-reaction.sent.json",
                "from-me-text.sent.event.json")]  # fmt: skip
    assert target.status == 200 and all(a.status == 200 for a in answers)
    assert [a.json["status"] for a in answers] == ["stored"] * 5

    contact = contact_by_phone(pid, CUSTOMER)
    assert contact["name"] == "Tito Bahé" and contact["phone"] == CUSTOMER
    assert contact["avatar"].startswith("https://pps.whatsapp.net/")
    attributes = contact["additional_attributes"]
    assert attributes["chatid"] == "40723973035@s.whatsapp.net" and attributes["sender_lid"] == "138401042923712@lid"
    assert attributes["instance"] == "eKoB39" and not attributes.get("is_group")
    assert contact["unread_messages"] == 4  # the customer's 4 messages; neither the reaction nor ours
    assert contact["inbox"] == world["inbox"]["id"] and contact["last_seen"]

    conversation_id = target.json["conversation_id"]
    assert {a.json["conversation_id"] for a in answers} == {conversation_id}
    stored_conversation = conversation(pid, conversation_id)
    assert stored_conversation["status"] == "pending" and stored_conversation["inbox_id"] == world["inbox"]["id"]
    assert stored_conversation["contact_id"] == contact["id"]
    assert stored_conversation["incoming_count"] == 4
    assert stored_conversation["last_message"]["content"] == "Oi"
    assert stored_conversation["last_message"]["message_type"] == "outgoing"

    rows = messages_of(pid, conversation_id)
    assert [(m["message_type"], m["media_type"], m["content"]) for m in rows] == [
        ("incoming", "text", "Oi"),
        ("incoming", "text", "Oi"),
        ("incoming", "image", ""),
        ("incoming", "voice", ""),
        ("outgoing", "text", "Oi"),
    ]
    first, _, image, voice, ours = rows
    assert first["external_id"] == "AC24A7E68360C7E9A54F64AB85FAECE2" and first["is_from_customer"] is True
    assert first["status"] == "received" and first["provider_timestamp"] == "2026-02-03T19:16:18.000000Z"
    assert image["mime_type"] == "image/jpeg" and image["file_size"] == 162894
    assert image.get("file_url") is None and image["media_status"] == "pending"  # the provider had no file for it
    assert voice["mime_type"] == "audio/ogg; codecs=opus" and voice["file_name"] == "voice.ogg"
    assert ours["is_from_customer"] is False and ours["status"] == "sent"
    assert ours["additional_attributes"]["sent_from"] == "phone"
    assert first["additional_attributes"]["reactions"] == [
        {
            "emoji": "❤️",
            "reactor": CUSTOMER,
            "from_me": False,
            "name": "Tito Bahé",
            "reacted_at": "2026-02-03T19:17:23.000000Z",
        }
    ]


def test_evolution_fixtures_store_every_kind(world):
    pid = world["pid"]
    make_inbox(pid, provider="evolution", token=EVOLUTION_KEY, instance="provedor-a")
    kinds = {}
    for name in ("text-conversation", "text-extended-reply", "image", "voice-note", "audio-file", "video",
                 "document", "sticker", "location", "contact-card", "from-me-phone"):  # fmt: skip
        answer = post_webhook(evolution(name))
        assert answer.status == 200 and answer.json["status"] == "stored", (name, answer.json)
        kinds[name] = message(pid, answer.json)
    contact = contact_by_phone(pid, EVO_CUSTOMER)
    assert contact["name"] == "Maria Cliente" and contact["additional_attributes"]["instance"] == "provedor-a"
    assert contact["unread_messages"] == 10
    assert len({m["conversation"] for m in kinds.values()}) == 1
    assert kinds["text-extended-reply"]["additional_attributes"]["reply_to"] == {
        "external_id": "3EB0A1B2C3D4E5F60001",
        "message_id": kinds["text-conversation"]["id"],
        "conversation_id": kinds["text-conversation"]["conversation"],
    }
    assert kinds["voice-note"]["media_type"] == "voice" and kinds["audio-file"]["media_type"] == "audio"
    assert kinds["document"]["original_file_name"] == "Boleto março.pdf"
    assert (
        kinds["document"]["file_name"] == "Boleto_marco.pdf" and kinds["document"]["content"] == "Segue o comprovante"
    )
    assert kinds["location"]["additional_attributes"]["location"]["latitude"] == -23.5505199
    assert kinds["contact-card"]["additional_attributes"]["contact"]["phones"] == ["+5511912345678"]
    assert kinds["from-me-phone"]["message_type"] == "outgoing" and kinds["from-me-phone"]["status"] == "sent"
    for name in ("image", "voice-note", "audio-file", "video", "document", "sticker"):
        assert kinds[name]["media_status"] == "pending" and kinds[name].get("file_url") is None, name
    for name in ("text-conversation", "location", "contact-card"):
        assert "media_status" not in kinds[name] and kinds[name].get("file_url") is None, name


def test_ignored_deliveries_answer_200_and_store_nothing(world):
    before = len(all_items())
    for payload in (
        evolution("presence-update"),
        {"EventType": "presence", "token": "xxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"},
    ):
        answer = post_webhook(with_token(payload, world["inbox"]["settings"]["token"]))
        assert answer.status == 200 and answer.json["status"] == "ignored" and answer.json["reason"]
    assert len(all_items()) == before


def test_the_same_delivery_posted_20_times_at_once_stores_one_message(world):
    payload = uazapi(TEXT)
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: post_webhook(payload), range(20)))
    assert all(a.status == 200 for a in answers)
    statuses = sorted(a.json["status"] for a in answers)
    assert statuses == ["duplicate"] * 19 + ["stored"]
    contact = contact_by_phone(world["pid"], CUSTOMER)
    assert contact["unread_messages"] == 1 and contact["conversation_count"] == 1
    (conversation_id,) = {a.json["conversation_id"] for a in answers}
    assert len(messages_of(world["pid"], conversation_id)) == 1
    assert conversation(world["pid"], conversation_id)["incoming_count"] == 1
    assert len([i for i in all_items() if i.get("type", {}).get("S") == "contact"]) == 1


@pytest.mark.parametrize(
    ("query", "token"),
    [
        (None, None),  # no proof at all
        ({"secret": "not-the-secret"}, None),  # a wrong secret
        (None, "another-token-123"),  # a token no inbox has
        ({"secret": "not-the-secret"}, "xxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"),  # a wrong secret is not saved by the token
    ],
    ids=["no-proof", "wrong-secret", "wrong-token", "wrong-secret-right-token"],
)
def test_without_a_valid_proof_401_and_nothing_stored(world, query, token):
    payload = uazapi(TEXT)
    payload.pop("token")
    if token:
        payload["token"] = token
    before = len(all_items())
    answer = post_webhook(payload, query=query)
    assert answer.status == 401 and answer.json["error"] == "AuthenticationError"
    assert len(all_items()) == before


def test_the_url_secret_alone_is_proof_and_the_legacy_path_works(world):
    payload = evolution("text-conversation")
    payload.pop("apikey")
    answer = post_webhook(payload, path="/webhooks/evolution-uazapi/", query={"secret": world["secret"]})
    assert answer.status == 200 and answer.json["status"] == "stored"
    assert message(world["pid"], answer.json)["inbox_id"] == world["inbox"]["id"]


def test_an_inactive_inbox_refuses_deliveries(world):
    from niochat.inboxes.models import InboxPatch
    from niochat.inboxes.service import update
    from tests.integration.webhook_world import ROOT

    update(ROOT, world["pid"], world["inbox"]["id"], InboxPatch(is_active=False))
    assert post_webhook(uazapi(TEXT)).status == 401


def test_a_suspended_provedor_refuses_deliveries_and_stores_nothing(world):
    from niochat.directory import provedores
    from niochat.directory.models import ProvedorPatch
    from tests.integration.webhook_world import ROOT, items_of_provedor

    before = len(items_of_provedor(world["pid"]))
    provedores.update(ROOT, world["pid"], ProvedorPatch(is_active=False))
    written = len(items_of_provedor(world["pid"]))  # the suspension's own writes
    answer = post_webhook(uazapi(TEXT))
    assert answer.status == 403 and answer.json["error"] == "PermissionError", answer.json
    assert len(items_of_provedor(world["pid"])) == written >= before
    provedores.update(ROOT, world["pid"], ProvedorPatch(is_active=True))
    assert post_webhook(uazapi(TEXT)).json["status"] == "stored"


def test_the_seed_shape_and_a_body_that_is_not_json(world):
    seed = {"event": "message", "data": {"message": {"id": "seed-1", "from": "+5511999999999", "to": "+5511888888888",
            "content": "Olá, como posso ajudar?", "timestamp": "2024-01-01T10:00:00Z"}}}  # fmt: skip
    answer = post_webhook(seed, query={"secret": world["secret"]})
    assert answer.status == 200 and answer.json["status"] == "stored"
    assert message(world["pid"], answer.json)["content"] == "Olá, como posso ajudar?"
    assert contact_by_phone(world["pid"], "+5511999999999")["name"] == "+5511999999999"
    assert post_webhook(None, raw_body="<xml/>", query={"secret": world["secret"]}).status == 400
    assert post_webhook(None, raw_body="[1, 2]", query={"secret": world["secret"]}).status == 400


def test_another_provedors_secret_never_stores_in_the_wrong_provedor(world):
    other = make_provedor("Provedor B")
    _, other_secret = make_inbox(other, token="token-of-provedor-b-1", instance="instance-b")
    # A's instance token and instance name in the body, B's secret in the URL: the secret decides.
    answer = post_webhook(uazapi(TEXT), query={"secret": other_secret})
    assert answer.status == 200 and answer.json["status"] == "stored"
    assert contact_by_phone(other, CUSTOMER) is not None
    assert contact_by_phone(world["pid"], CUSTOMER) is None
    assert not [i for i in items_of_provedor(world["pid"]) if i["type"]["S"] in ("contact", "message", "conversation")]


def test_a_known_contacts_text_message_costs_at_most_4_dynamodb_calls(world):
    assert post_webhook(uazapi(TEXT)).json["status"] == "stored"  # the contact and its conversation now exist
    calls: list[str] = []

    def count(event_name: str, **_: object) -> None:
        calls.append(event_name.rsplit(".", 1)[-1])

    events = clients.dynamodb().meta.events
    events.register("before-call.dynamodb", count)
    try:
        answer = post_webhook(uazapi(TEXT, messageid="AC0000000000000000000000000000NEW", id="x:NEW"))
    finally:
        events.unregister("before-call.dynamodb", count)
    assert answer.json["status"] == "stored"
    # find_for_webhook: the secret/token pointer + the inbox and its provedor (is it suspended?); the phone's
    # index item; one transaction.
    assert calls == ["GetItem", "BatchGetItem", "GetItem", "TransactWriteItems"], calls


def test_a_documents_file_name_is_listed_as_the_customer_sent_it(api, world):
    from niochat.directory.users import create_user
    from niochat.domain.users import UserType
    from tests.integration.conftest import login

    pid = world["pid"]
    make_inbox(pid, provider="evolution", token=EVOLUTION_KEY, instance="provedor-a")
    delivery = evolution("document")
    delivery["data"]["message"]["documentMessage"].update(
        title="Catálogo Fittivirtual PDF.pdf", fileName="Catálogo Fittivirtual PDF.pdf"
    )
    answer = post_webhook(delivery)
    assert answer.status == 200 and answer.json["status"] == "stored", answer.json
    create_user(username="admin_docs", password="senha-forte-1", user_type=UserType.ADMIN, provedor_id=pid)
    token = login(api, "admin_docs", "senha-forte-1")
    listed = api.get("/api/messages/", token=token, query={"conversation": str(answer.json["conversation_id"])})
    (shown,) = listed.json["results"]
    assert shown["file_name"] == "Catálogo Fittivirtual PDF.pdf"
    assert message(pid, answer.json)["file_name"] == "Catalogo_Fittivirtual_PDF.pdf"  # the S3 key's part


@pytest.mark.parametrize(
    "raw",
    [b'"\xc8_\xff3', b'{"event": "message", "n": NaN}', b'{"a": 1e400}', b"[" * 200 + b"]" * 200],
    ids=["invalid-utf8", "nan", "infinity", "deep-nesting"],
)
def test_a_body_the_reader_refuses_is_a_400_with_the_seed_error_shape(world, raw):
    """Found by the fuzz run: a Function URL delivers a body that is not UTF-8 base64-encoded, and that was a 500."""
    event = function_url_event("POST", "/webhook/evolution-uazapi/", query={"secret": world["secret"]})
    event.update(body=base64.b64encode(raw).decode(), isBase64Encoded=True)
    answer = load_function("webhooks").lambda_handler(event, LambdaContext())
    assert answer["statusCode"] == 400, answer
    assert set(json.loads(answer["body"])) == {"error", "message", "details"}
