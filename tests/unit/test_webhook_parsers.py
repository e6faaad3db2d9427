"""Webhook deliveries → typed events: every real Uazapi fixture, variants of them for the kinds the fixtures
lack, every Evolution v2 fixture in tests/fixtures/evolution, and the seed's simplified shape."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from niochat.domain.messages import DeliveryStatus, MediaType
from niochat.webhooks import jids
from niochat.webhooks.events import Connection, Delete, Edit, Ignored, Message, Reaction, Receipt
from niochat.webhooks.parse import identify, parse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
UAZAPI = sorted((FIXTURES / "uazapi").glob("*.json"))
EVOLUTION = sorted((FIXTURES / "evolution").glob("*.json"))
CUSTOMER = "+40723973035"  # the chat of the real Uazapi fixtures
EVO_CUSTOMER = "+5543991834229"  # 554391834229@s.whatsapp.net: the old 8-digit mobile form gains its ninth digit


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def uazapi(name: str) -> dict[str, Any]:
    return load(FIXTURES / "uazapi" / name)


def evolution(name: str) -> dict[str, Any]:
    return load(FIXTURES / "evolution" / f"{name}.json")


def test_the_shared_fixtures_are_the_ones_copied_here() -> None:
    shared = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "uazapi"
    if not shared.is_dir():
        pytest.skip("../shared/fixtures is not on this machine")
    assert sorted(p.name for p in shared.glob("*.json")) == [p.name for p in UAZAPI]
    for path in UAZAPI:
        assert load(shared / path.name) == load(path)


# -- real Uazapi deliveries ------------------------------------------------------------------------
def test_uazapi_customer_text() -> None:
    payload = uazapi("from-others-text.sent.json")
    assert identify(payload).provider == "uazapi"
    assert identify(payload).proof == "xxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
    assert identify(payload).instance == "eKoB39"
    event = parse(payload)
    assert isinstance(event, Message)
    assert (event.external_id, event.content, event.media_type) == ("AC98212CD4909DE6799E78D93A824A3F", "Oi", "text")
    assert event.from_me is False and event.media is None
    assert event.aliases == ("558185464605:AC98212CD4909DE6799E78D93A824A3F",)
    assert event.chat.phone == CUSTOMER and event.chat.jid == "40723973035@s.whatsapp.net"
    assert event.chat.lid == "138401042923712@lid" and event.chat.is_group is False
    assert event.chat.name == "Tito Bahé" and event.chat.avatar.startswith("https://pps.whatsapp.net/")
    assert event.timestamp == 1770146178.0  # milliseconds → seconds


def test_uazapi_voice_note_image_and_reaction() -> None:
    voice = parse(uazapi("from-others-audio.sent.json"))
    assert isinstance(voice, Message) and voice.media_type is MediaType.VOICE
    assert voice.media.mime_type == "audio/ogg; codecs=opus" and voice.media.size == 4920 and voice.media.seconds == 2
    image = parse(uazapi("from-others-image.sent.json"))
    assert isinstance(image, Message) and image.media_type is MediaType.IMAGE
    assert (image.media.mime_type, image.media.size, image.content) == ("image/jpeg", 162894, "")
    reaction = parse(uazapi("from-others-reaction.sent.json"))
    assert isinstance(reaction, Reaction)
    assert (reaction.target_id, reaction.emoji, reaction.reactor) == ("AC24A7E68360C7E9A54F64AB85FAECE2", "❤️", CUSTOMER)


def test_uazapi_message_typed_on_our_phone_belongs_to_the_customers_chat() -> None:
    event = parse(uazapi("from-me-text.sent.event.json"))
    assert isinstance(event, Message) and event.from_me is True and event.sent_by_api is False
    # chatid is the customer; sender_pn is our own number and must not become the contact.
    assert event.chat.phone == CUSTOMER
    assert event.chat.name == "Tito Bahé"  # not "TitoTest", the sender name of our own number


def test_every_uazapi_fixture_parses_to_an_event() -> None:
    assert len(UAZAPI) == 5
    for path in UAZAPI:
        assert not isinstance(parse(load(path)), Ignored), path.name


# -- Uazapi kinds the fixtures lack (variants of the real text delivery) ------------------------------
def variant(message: dict[str, Any], **top: Any) -> dict[str, Any]:
    payload = copy.deepcopy(uazapi("from-others-text.sent.json"))
    payload["message"].update(message)
    payload.update(top)
    return payload


@pytest.mark.parametrize(
    ("message", "kind", "content"),
    [
        ({"messageType": "Conversation", "content": "Olá simples", "text": ""}, MediaType.TEXT, "Olá simples"),
        ({"messageType": "VideoMessage", "mediaType": "video", "type": "media", "text": "Olha",
          "content": {"mimetype": "video/mp4", "seconds": 9, "fileLength": 900}}, MediaType.VIDEO, "Olha"),
        ({"messageType": "StickerMessage", "mediaType": "sticker", "type": "media", "text": "",
          "content": {"mimetype": "image/webp"}}, MediaType.STICKER, ""),
        ({"messageType": "AudioMessage", "mediaType": "audio", "type": "media", "text": "",
          "content": {"mimetype": "audio/mpeg", "PTT": False}}, MediaType.AUDIO, ""),
    ],
)  # fmt: skip
def test_uazapi_media_kinds(message: dict[str, Any], kind: MediaType, content: str) -> None:
    event = parse(variant(message))
    assert isinstance(event, Message)
    assert (event.media_type, event.content) == (kind, content)


def test_uazapi_document_keeps_its_file_name() -> None:
    body = {"mimetype": "application/pdf", "fileName": "Contrato março.pdf", "fileLength": 48211, "caption": "Segue"}
    event = parse(
        variant({"messageType": "DocumentMessage", "mediaType": "document", "text": "Segue", "content": body})
    )
    assert isinstance(event, Message) and event.media_type is MediaType.DOCUMENT
    assert event.media.file_name == "Contrato março.pdf" and event.content == "Segue"


def test_uazapi_location_and_contact_card() -> None:
    place = {"degreesLatitude": -8.0476, "degreesLongitude": -34.877, "name": "Loja", "address": "Recife"}
    location = parse(variant({"messageType": "LocationMessage", "text": "", "content": place}))
    assert isinstance(location, Message) and location.media_type is MediaType.LOCATION
    assert location.attributes["location"]["latitude"] == -8.0476 and "Loja" in location.content
    vcard = "BEGIN:VCARD\nFN:Ana Técnica\nTEL;waid=5581999998888:+55 81 99999-8888\nEND:VCARD"
    card = parse(
        variant({"messageType": "ContactMessage", "text": "", "content": {"displayName": "Ana", "vcard": vcard}})
    )
    assert isinstance(card, Message) and card.media_type is MediaType.CONTACT
    assert card.attributes["contact"]["phones"] == ["+5581999998888"] and "Ana" in card.content


def test_uazapi_revoke_and_edit() -> None:
    revoke = parse(variant({"messageType": "ProtocolMessage", "content": {"key": {"ID": "ABC"}, "type": 0}}))
    assert isinstance(revoke, Delete) and revoke.target_id == "ABC"
    edit_content = {"key": {"ID": "ABC"}, "type": 14, "editedMessage": {"conversation": "novo"}}
    edit = parse(variant({"messageType": "ProtocolMessage", "content": edit_content}))
    assert isinstance(edit, Edit) and (edit.target_id, edit.content) == ("ABC", "novo")
    edited_field = parse(variant({"edited": "ABC", "text": "corrigido"}))
    assert isinstance(edited_field, Edit) and (edited_field.target_id, edited_field.content) == ("ABC", "corrigido")


def test_uazapi_group_message_names_the_group_and_its_sender() -> None:
    event = parse(variant({"chatid": "120363041967849074@g.us", "isGroup": True, "groupName": "Bairro"},
                          chat={"name": "Bairro", "wa_isGroup": True}))  # fmt: skip
    assert isinstance(event, Message) and event.chat.is_group and event.chat.phone is None
    assert event.chat.name == "Bairro" and event.sender.phone == CUSTOMER and event.sender.name == "Tito Bahé"


def test_uazapi_lid_chat_falls_back_to_the_senders_number() -> None:
    event = parse(variant({"chatid": "138401042923712@lid"}, chat={}))
    assert isinstance(event, Message) and event.chat.phone == CUSTOMER
    # no number anywhere: a LID-only chat, kept (niochat.webhooks.threads), never dropped
    lid_only = parse(variant({"chatid": "138401042923712:7@lid", "sender_pn": "", "chatlid": ""}, chat={}))
    assert isinstance(lid_only, Message) and lid_only.chat.phone is None
    assert lid_only.chat.lid == "138401042923712@lid" and lid_only.content == "Oi"
    nothing = parse(variant({"chatid": "", "sender_pn": "", "chatlid": "", "sender_lid": ""}, chat={}))
    assert isinstance(nothing, Ignored)


def test_evolution_lid_chat_without_a_number_is_kept() -> None:
    payload = evolution("lid-chat")
    del payload["data"]["key"]["remoteJidAlt"]
    event = parse(payload)
    assert isinstance(event, Message) and event.chat.phone is None and event.chat.lid == "138401042923712@lid"
    assert event.content == "Oi, sou novo cliente"


@pytest.mark.parametrize(
    ("state", "status"),
    [("Delivered", DeliveryStatus.DELIVERED), ("Read", DeliveryStatus.READ), ("Played", DeliveryStatus.READ)],
)
def test_uazapi_receipts(state: str, status: DeliveryStatus) -> None:
    payload = {"EventType": "messages_update", "type": "ReadReceipt", "state": state, "token": "t",
               "event": {"MessageIDs": ["AAA", "558185464605:BBB"], "IsFromMe": "False", "Type": state,
                         "Timestamp": "1785820620"}}  # fmt: skip
    event = parse(payload)
    assert isinstance(event, Receipt) and event.target_ids == ("AAA", "BBB") and event.status is status


def test_uazapi_connection_and_unknown_events() -> None:
    event = parse({"EventType": "connection", "token": "t", "instance": {"name": "x", "status": "Disconnected"}})
    assert isinstance(event, Connection) and event == Connection("disconnected")
    assert isinstance(parse({"EventType": "presence", "token": "t"}), Ignored)
    assert isinstance(parse(variant({"messageType": "PollCreationMessage", "type": "poll"})), Ignored)


# -- Evolution API v2 --------------------------------------------------------------------------------
EXPECTED_EVOLUTION: dict[str, tuple[type, dict[str, Any]]] = {
    "text-conversation": (Message, {"media_type": MediaType.TEXT, "content": "Olá, minha internet caiu"}),
    "text-extended-reply": (Message, {"media_type": MediaType.TEXT, "reply_to": "3EB0A1B2C3D4E5F60001"}),
    "image": (Message, {"media_type": MediaType.IMAGE, "content": "Foto do roteador"}),
    "voice-note": (Message, {"media_type": MediaType.VOICE, "content": ""}),
    "audio-file": (Message, {"media_type": MediaType.AUDIO}),
    "video": (Message, {"media_type": MediaType.VIDEO, "content": "Luz piscando"}),
    "document": (Message, {"media_type": MediaType.DOCUMENT, "content": "Segue o comprovante"}),
    "sticker": (Message, {"media_type": MediaType.STICKER}),
    "location": (Message, {"media_type": MediaType.LOCATION}),
    "contact-card": (Message, {"media_type": MediaType.CONTACT}),
    "reaction": (Reaction, {"target_id": "3EB0FFFF00000000AAAA", "emoji": "👍", "reactor": EVO_CUSTOMER}),
    "reaction-removed": (Reaction, {"target_id": "3EB0FFFF00000000AAAA", "emoji": ""}),
    "edit": (Edit, {"target_id": "3EB0A1B2C3D4E5F60001", "content": "Olá, minha internet caiu de novo"}),
    "revoke": (Delete, {"target_id": "3EB0A1B2C3D4E5F60001"}),
    "delete": (Delete, {"target_id": "3EB0A1B2C3D4E5F60002"}),
    "send-message-echo": (Message, {"from_me": True, "sent_by_api": True}),
    "from-me-phone": (Message, {"from_me": True, "sent_by_api": False, "content": "Técnico a caminho"}),
    "receipt-delivered": (Receipt, {"target_ids": ("3EB0FFFF00000000AAAA",), "status": DeliveryStatus.DELIVERED}),
    "receipt-read": (Receipt, {"target_ids": ("3EB0FFFF00000000AAAA",), "status": DeliveryStatus.READ}),
    "connection-open": (Connection, {"status": "connected"}),
    "connection-close": (Connection, {"status": "disconnected"}),
    "group-text": (Message, {"content": "Alguém mais sem internet no bairro?"}),
    "lid-chat": (Message, {"content": "Oi, sou novo cliente"}),
    "presence-update": (Ignored, {}),
}


def test_every_evolution_fixture_has_an_expectation() -> None:
    assert sorted(p.stem for p in EVOLUTION) == sorted(EXPECTED_EVOLUTION)


@pytest.mark.parametrize("name", sorted(EXPECTED_EVOLUTION))
def test_evolution_fixture(name: str) -> None:
    payload = evolution(name)
    delivery = identify(payload)
    assert (delivery.provider, delivery.proof, delivery.instance) == (
        "evolution",
        "evo-key-provedor-a-123",
        "provedor-a",
    )
    kind, fields = EXPECTED_EVOLUTION[name]
    event = parse(payload)
    assert isinstance(event, kind), event
    for field, value in fields.items():
        assert getattr(event, field) == value, field


def test_evolution_message_details() -> None:
    text = parse(evolution("text-conversation"))
    assert text.chat.phone == EVO_CUSTOMER and text.chat.name == "Maria Cliente" and text.timestamp == 1790000000.0
    document = parse(evolution("document"))
    assert document.media.file_name == "Boleto março.pdf" and document.media.size == 48211
    location = parse(evolution("location")).attributes["location"]
    assert (location["latitude"], location["longitude"], location["name"]) == (-23.5505199, -46.6333094, "Casa")
    contact = parse(evolution("contact-card")).attributes["contact"]
    assert contact["name"] == "João Souza" and contact["phones"] == ["+5511912345678"]
    group = parse(evolution("group-text"))
    assert group.chat.is_group and group.chat.jid == "120363041967849074@g.us"
    assert group.sender.phone == "+5511955554444" and group.sender.name == "Vizinho"
    lid = parse(evolution("lid-chat"))
    assert lid.chat.phone == "+5521998887777" and lid.chat.lid == "138401042923712@lid"
    echo = parse(evolution("send-message-echo"))
    assert echo.chat.phone == EVO_CUSTOMER and echo.chat.name is None  # our pushName never names the customer


def test_evolution_events_spelled_in_capitals_and_numeric_receipts() -> None:
    payload = evolution("text-conversation")
    payload["event"] = "MESSAGES_UPSERT"
    assert isinstance(parse(payload), Message)
    receipt = evolution("receipt-read")
    receipt["data"]["status"] = 3
    event = parse(receipt)
    assert isinstance(event, Receipt) and event == Receipt(("3EB0FFFF00000000AAAA",), DeliveryStatus.DELIVERED)


# -- the seed's simplified shape, and helpers --------------------------------------------------------
def test_seed_simplified_shape() -> None:
    seed = {"id": "message_id", "from": "+5511999999999", "to": "+5511888888888",
            "content": "Olá, como posso ajudar?", "timestamp": "2024-01-01T10:00:00Z"}  # fmt: skip
    payload = {"event": "message", "data": {"message": seed}}
    delivery = identify(payload)
    assert delivery.provider == "simple" and delivery.proof is None
    event = parse(payload)
    assert isinstance(event, Message)
    assert (event.external_id, event.chat.phone, event.content) == (
        "message_id",
        "+5511999999999",
        "Olá, como posso ajudar?",
    )
    assert event.timestamp == 1704103200.0


def test_unrecognised_payloads_are_ignored() -> None:
    assert isinstance(parse({"hello": "world"}), Ignored)
    assert isinstance(parse({"event": "message", "data": {"message": {"from": "x", "id": "1"}}}), Ignored)


def test_phones_of_whatsapp_ids() -> None:
    assert jids.phone_of("554391834229@s.whatsapp.net") == "+5543991834229"
    assert jids.phone_of("5511987654321:12@s.whatsapp.net") == "+5511987654321"
    assert jids.phone_of("120363041967849074@g.us") is None
    assert jids.phone_of("138401042923712@lid") is None
    assert jids.phone_of("12@s.whatsapp.net") is None
    assert jids.seconds(1770146178000) == 1770146178.0 and jids.seconds("1785820620") == 1785820620.0
