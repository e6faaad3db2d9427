"""Chats WhatsApp names only by a LID (`…@lid`, no number in the delivery): the message is stored and can be
answered, under a contact keyed by the LID until a delivery carries the number too; then the LID and the number
are one contact."""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor

import pytest

from niochat.store import contacts
from tests.integration.conftest import login, post_webhook
from tests.integration.webhook_world import CUSTOMER, contact_by_phone, conversation, make_inbox, messages_of, uazapi
from tests.support.fake_provider import FakeProvider

TEXT = "from-others-text.sent.json"
LID = "138401042923712@lid"  # the LID of the real Uazapi fixtures' customer


def lid_only(message_id: str, text: str = "Oi, só com LID") -> dict:
    """The real text delivery as WhatsApp sends it when it hides the number: the chat is the LID, no phone."""
    payload = uazapi(TEXT, chatid=LID, sender_pn="", messageid=message_id, id=f"558185464605:{message_id}",
                     text=text, content={"text": text})  # fmt: skip
    payload["chat"] = {"name": "Tito Bahé", "wa_chatlid": LID, "wa_chatid": LID, "phone": ""}
    return payload


def with_number(message_id: str, text: str = "Agora com número") -> dict:
    """The same person's delivery carrying both their number and their LID (the fixture as it is)."""
    return uazapi(TEXT, messageid=message_id, id=f"558185464605:{message_id}", text=text, content={"text": text})


@pytest.fixture
def fake():
    with FakeProvider() as provider:
        yield provider


@pytest.fixture
def world(tenant, fake, monkeypatch):
    monkeypatch.setenv("PROVIDER_MAX_ATTEMPTS", "1")
    inbox, _ = make_inbox(tenant["provedor"]["id"], base_url=fake.url)
    return {"pid": tenant["provedor"]["id"], "inbox": inbox}


def lid_contact(pid: int) -> dict | None:
    entry = contacts.phone_entry(pid, LID)
    return contacts.contacts.get(pid, int(entry["contact_id"]), consistent=True) if entry else None


def test_a_lid_only_delivery_is_stored_under_a_contact_keyed_by_the_lid_and_can_be_answered(api, world, fake):
    pid = world["pid"]
    answer = post_webhook(lid_only("LID0000000000000000000000000001"))
    assert answer.status == 200 and answer.json["status"] == "stored", answer.json
    contact = lid_contact(pid)
    assert contact is not None and contact["id"] == answer.json["contact_id"]
    assert contact["phone"] == LID and contact["name"] == "Tito Bahé"
    assert contact["additional_attributes"]["chatid"] == LID and contact["unread_messages"] == 1
    assert contact_by_phone(pid, CUSTOMER) is None  # no number was made up
    (stored,) = messages_of(pid, answer.json["conversation_id"])
    assert stored["content"] == "Oi, só com LID" and stored["is_from_customer"] is True

    admin = login(api, "admin_a", "senha-forte-1")
    shown = api.get(f"/api/conversations/{answer.json['conversation_id']}/", token=admin)
    assert shown.status == 200 and shown.json["contact"]["phone"] == LID
    sent = api.post("/api/messages/send_text/", {"conversation_id": answer.json["conversation_id"],
                                                  "content": "Olá! Como posso ajudar?"}, token=admin)  # fmt: skip
    assert sent.status in (200, 201), sent.json
    (request,) = fake.requests_to("/send/text")
    assert request.json["number"] == LID  # answered in the chat the customer wrote from

    again = post_webhook(lid_only("LID0000000000000000000000000002", "Mais uma"))
    assert (again.json["contact_id"], again.json["conversation_id"]) == (contact["id"], answer.json["conversation_id"])
    assert post_webhook(lid_only("LID0000000000000000000000000002", "Mais uma")).json["status"] == "duplicate"


def test_a_later_delivery_with_the_number_makes_the_lid_contact_the_numbers_contact(api, world):
    pid = world["pid"]
    first = post_webhook(lid_only("LID0000000000000000000000000011")).json
    later = post_webhook(with_number("LID0000000000000000000000000012")).json
    assert later["status"] == "stored"
    assert (later["contact_id"], later["conversation_id"]) == (first["contact_id"], first["conversation_id"])
    contact = contact_by_phone(pid, CUSTOMER)
    assert contact["id"] == first["contact_id"] and contact["phone"] == CUSTOMER
    assert contact["additional_attributes"]["chatid"] == "40723973035@s.whatsapp.net"
    assert contact["unread_messages"] == 2
    texts = [m["content"] for m in messages_of(pid, first["conversation_id"])]
    assert texts == ["Oi, só com LID", "Agora com número"]
    # the LID alone now leads to the same contact and conversation
    alone = post_webhook(lid_only("LID0000000000000000000000000013", "Só o LID de novo")).json
    assert (alone["contact_id"], alone["conversation_id"]) == (first["contact_id"], first["conversation_id"])
    admin = login(api, "admin_a", "senha-forte-1")
    assert api.get("/api/contacts/", token=admin).json["count"] == 1
    found = api.get("/api/contacts/", token=admin, query={"search": "40723973035"}).json
    assert [c["id"] for c in found["results"]] == [first["contact_id"]]
    # closing and a new conversation follow the number
    closed = api.post(f"/api/conversations/{first['conversation_id']}/close/", {}, token=admin)
    assert closed.status == 200, closed.json
    reopened = post_webhook(lid_only("LID0000000000000000000000000014", "Voltei")).json
    assert reopened["contact_id"] == first["contact_id"] and reopened["conversation_id"] != first["conversation_id"]


def test_a_number_first_then_the_lid_alone_uses_the_numbers_contact(world):
    pid = world["pid"]
    first = post_webhook(with_number("LID0000000000000000000000000021")).json
    alone = post_webhook(lid_only("LID0000000000000000000000000022")).json
    assert alone["status"] == "stored"
    assert (alone["contact_id"], alone["conversation_id"]) == (first["contact_id"], first["conversation_id"])
    assert contacts.phone_entry(pid, LID)["linked_phone"] == CUSTOMER


def test_a_lid_contact_whose_number_belongs_to_another_contact_is_merged_into_it(api, world):
    pid = world["pid"]
    admin = login(api, "admin_a", "senha-forte-1")
    known = api.post("/api/contacts/", {"name": "Tito (cadastro)", "phone": CUSTOMER}, token=admin).json
    first = post_webhook(lid_only("LID0000000000000000000000000031")).json
    assert first["contact_id"] != known["id"]  # nothing tied the LID to the number yet

    later = post_webhook(with_number("LID0000000000000000000000000032")).json
    assert later["status"] == "stored" and later["contact_id"] == known["id"]
    alone = post_webhook(lid_only("LID0000000000000000000000000033")).json
    assert (alone["contact_id"], alone["conversation_id"]) == (known["id"], later["conversation_id"])
    old = api.get(f"/api/contacts/{first['contact_id']}/", token=admin).json
    assert old["additional_attributes"]["merged_into"] == known["id"]
    # the LID contact's conversation keeps its messages and can still be closed
    assert [m["content"] for m in messages_of(pid, first["conversation_id"])] == ["Oi, só com LID"]
    closed = api.post(f"/api/conversations/{first['conversation_id']}/close/", {}, token=admin)
    assert closed.status == 200, closed.json
    assert conversation(pid, first["conversation_id"])["status"] == "closed"


def test_concurrent_lid_only_deliveries_make_one_contact(world):
    pid = world["pid"]
    payloads = [lid_only(f"LID00000000000000000000000001{n:02d}") for n in range(10)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda p: post_webhook(copy.deepcopy(p)), payloads))
    assert [a.json["status"] for a in answers] == ["stored"] * 10
    assert len({(a.json["contact_id"], a.json["conversation_id"]) for a in answers}) == 1
    assert lid_contact(pid)["unread_messages"] == 10


def test_an_agent_giving_the_lid_contact_its_number_keeps_the_lid_leading_to_it(api, world):
    pid = world["pid"]
    first = post_webhook(lid_only("LID0000000000000000000000000041")).json
    admin = login(api, "admin_a", "senha-forte-1")
    patched = api.call("PATCH", f"/api/contacts/{first['contact_id']}/", {"phone": CUSTOMER}, token=admin)
    assert patched.status == 200 and patched.json["phone"] == CUSTOMER, patched.json
    for answer in (post_webhook(lid_only("LID0000000000000000000000000042")).json,
                   post_webhook(with_number("LID0000000000000000000000000043")).json):  # fmt: skip
        assert answer["status"] == "stored"
        assert (answer["contact_id"], answer["conversation_id"]) == (first["contact_id"], first["conversation_id"])
    assert contacts.phone_entry(pid, LID)["linked_phone"] == CUSTOMER
