"""Reading messages: newest first with page and before/after cursors, the detail, the read marker that clears
the reader's unread count, and reactions and deletion."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from niochat.store.contacts import contacts
from tests.integration import messages_world as mw
from tests.support.fake_provider import Reply


def page(api, token, world, **query):
    params = {"conversation": str(world["conversation"]["id"]), **{k: str(v) for k, v in query.items()}}
    return api.get("/api/messages/", token=token, query=params)


def unread(api, token, world):
    listed = api.get("/api/conversations/", token=token).json["results"]
    return next(c["unread_count"] for c in listed if c["id"] == world["conversation"]["id"])


def test_list_is_newest_first_with_pages_and_id_cursors(api, world, tokens):
    ids = [mw.customer_message(world, f"mensagem {n}")["id"] for n in range(6)]
    newest_first = list(reversed(ids))
    first = page(api, tokens["admin"], world, page_size=4)
    assert first.status == 200 and first.json["count"] == 6
    assert [m["id"] for m in first.json["results"]] == newest_first[:4]
    assert first.json["results"][0]["content"] == "mensagem 5" and first.json["results"][0]["is_from_customer"]
    link = urlsplit(first.json["next"])
    second = api.get(link.path, token=tokens["admin"], query=dict(parse_qsl(link.query)))
    assert [m["id"] for m in second.json["results"]] == newest_first[4:]
    before = page(api, tokens["admin"], world, before=ids[3])
    assert [m["id"] for m in before.json["results"]] == [ids[2], ids[1], ids[0]] and before.json["count"] == 3
    after = page(api, tokens["admin"], world, after=ids[3])
    assert [m["id"] for m in after.json["results"]] == [ids[5], ids[4]]
    between = page(api, tokens["admin"], world, after=ids[1], before=ids[4])
    assert [m["id"] for m in between.json["results"]] == [ids[3], ids[2]]
    assert page(api, tokens["admin"], world, after=ids[3], before=ids[4]).json["results"] == []
    assert page(api, tokens["admin"], world, page=2, page_size=4).json["results"][0]["id"] == ids[1]


def test_list_needs_a_conversation_and_hides_the_ones_the_caller_cant_see(api, world, tokens):
    missing = api.get("/api/messages/", token=tokens["admin"])
    assert missing.status == 400 and missing.json["details"]["field"] == "conversation"
    bad = api.get("/api/messages/", token=tokens["admin"], query={"conversation": "abc"})
    assert bad.status == 400 and bad.json["error"] == "ValidationError"
    mw.customer_message(world, "segredo do cliente")
    hidden = page(api, tokens["agent3"], world)
    assert hidden.status == 404 and "segredo" not in hidden.raw["body"]
    assert api.get("/api/messages/", token=tokens["admin"], query={"conversation": "999"}).status == 404


def test_detail_by_id_and_404_when_the_conversation_is_hidden(api, world, tokens):
    message = mw.customer_message(world, "Oi, boa tarde")
    detail = api.get(f"/api/messages/{message['id']}/", token=tokens["admin"])
    assert detail.status == 200
    body = detail.json
    assert body["id"] == message["id"] and body["conversation"] == world["conversation"]["id"]
    assert body["message_type"] == "incoming" and body["external_id"] == message["external_id"]
    assert set(body) >= {"media_type", "file_url", "created_at", "additional_attributes", "status", "sender"}
    assert api.get(f"/api/messages/{message['id']}/", token=tokens["agent3"]).status == 404
    assert api.get("/api/messages/12345/", token=tokens["admin"]).status == 404
    assert api.get("/api/messages/abc/", token=tokens["admin"]).status == 404


def test_reading_the_newest_page_clears_the_readers_unread_count(api, world, tokens):
    ids = [mw.customer_message(world, f"Oi {n}")["id"] for n in range(3)]
    contact_id = world["conversation"]["contact_id"]
    assert contacts.get(world["pid"], contact_id, consistent=True)["unread_messages"] == 3
    assert unread(api, tokens["admin"], world) == 3
    page(api, tokens["admin"], world, before=ids[-1])  # an older window: not "reading the conversation"
    assert unread(api, tokens["admin"], world) == 3
    page(api, tokens["admin"], world)
    assert unread(api, tokens["admin"], world) == 0
    assert contacts.get(world["pid"], contact_id, consistent=True)["unread_messages"] == 0
    mw.customer_message(world, "Mais uma")
    assert unread(api, tokens["admin"], world) == 1
    assert contacts.get(world["pid"], contact_id, consistent=True)["unread_messages"] == 1
    page(api, tokens["admin"], world)
    page(api, tokens["admin"], world)  # nothing new: no second decrement
    assert unread(api, tokens["admin"], world) == 0
    assert contacts.get(world["pid"], contact_id, consistent=True)["unread_messages"] == 0


def sent_message(api, token, world, content="Posso ajudar?"):
    response = api.post("/api/messages/send_text/", {"conversation_id": world["conversation"]["id"],
                                                     "content": content}, token=token)  # fmt: skip
    assert response.status == 201, response.json
    return response.json


def test_react_and_remove_the_reaction(api, world, tokens, fake):
    customer = mw.customer_message(world, "Obrigado!")
    response = api.post("/api/messages/react/", {"message_id": customer["id"], "reaction": "👍"}, token=tokens["admin"])
    assert response.status == 200, response.json
    (reaction,) = response.json["additional_attributes"]["reactions"]
    assert reaction["emoji"] == "👍" and reaction["reactor"] == "me" and reaction["user"]["id"]
    removed = api.post("/api/messages/react/", {"message_id": customer["id"], "reaction": ""}, token=tokens["admin"])
    assert removed.json["additional_attributes"]["reactions"] == []
    react, unreact = fake.requests_to("/message/react")
    assert react.json == {"number": "5511999990001@s.whatsapp.net", "text": "👍", "id": customer["external_id"]}
    assert unreact.json["text"] == ""


def test_react_accepts_niochats_emoji_field(api, world, tokens, fake):
    customer = mw.customer_message(world, "Obrigado!")
    response = api.post("/api/messages/react/", {"message_id": customer["id"], "emoji": "❤️"}, token=tokens["admin"])
    assert response.status == 200, response.json
    assert [r["emoji"] for r in response.json["additional_attributes"]["reactions"]] == ["❤️"]


def test_reacting_needs_a_message_on_whatsapp_and_a_provider_that_accepts(api, world, tokens, fake):
    fake.script("POST", "/send/text", *[Reply(500)] * 3)
    failed_id = api.post("/api/messages/send_text/", {"conversation_id": world["conversation"]["id"], "content": "x"},
                         token=tokens["admin"]).json["details"]["message_id"]  # fmt: skip
    on_failed = api.post("/api/messages/react/", {"message_id": failed_id, "reaction": "👍"}, token=tokens["admin"])
    assert on_failed.status == 409
    customer = mw.customer_message(world, "Oi")
    fake.script("POST", "/message/react", Reply(404, {"error": "Message not found"}))
    refused = api.post("/api/messages/react/", {"message_id": customer["id"], "reaction": "👍"}, token=tokens["admin"])
    assert refused.status == 502 and refused.json["details"]["provider_status"] == 404
    detail = api.get(f"/api/messages/{customer['id']}/", token=tokens["admin"]).json
    assert "reactions" not in detail["additional_attributes"]


def test_delete_revokes_at_the_provider_and_keeps_the_row(api, world, tokens, fake):
    sent = sent_message(api, tokens["admin"], world, "Mensagem errada")
    response = api.post("/api/messages/delete_message/", {"message_id": sent["id"]}, token=tokens["admin"])
    assert response.status == 200, response.json
    attributes = response.json["additional_attributes"]
    assert attributes["deleted"] is True and attributes["deleted_at"] and attributes["deleted_by"]["id"]
    assert response.json["content"] == "Mensagem errada"
    (revoke,) = fake.requests_to("/message/delete")
    assert revoke.json == {"id": sent["external_id"]}
    again = api.post("/api/messages/delete_message/", {"message_id": sent["id"]}, token=tokens["admin"])
    assert again.status == 409
    listed = page(api, tokens["admin"], world).json["results"]
    assert listed[0]["id"] == sent["id"] and listed[0]["additional_attributes"]["deleted"] is True


def test_delete_refuses_customer_messages_and_provider_failures_change_nothing(api, world, tokens, fake):
    customer = mw.customer_message(world, "Oi")
    of_customer = api.post("/api/messages/delete_message/", {"message_id": customer["id"]}, token=tokens["admin"])
    assert of_customer.status == 409
    sent = sent_message(api, tokens["admin"], world)
    fake.script("POST", "/message/delete", *[Reply(500, {"error": "No session"})] * 3)
    refused = api.post("/api/messages/delete_message/", {"message_id": sent["id"]}, token=tokens["admin"])
    assert refused.status == 502 and refused.json["details"]["message_id"] == sent["id"]
    detail = api.get(f"/api/messages/{sent['id']}/", token=tokens["admin"]).json
    assert not detail["additional_attributes"].get("deleted")


def test_react_and_delete_follow_the_conversation_rules(api, world, tokens, fake):
    customer = mw.customer_message(world, "Oi")
    hidden = api.post("/api/messages/react/", {"message_id": customer["id"], "reaction": "👍"}, token=tokens["agent3"])
    assert hidden.status == 404
    missing = api.post("/api/messages/delete_message/", {"message_id": 999}, token=tokens["admin"])
    assert missing.status == 404
    invalid = api.post("/api/messages/react/", {"message_id": "x", "reaction": "👍"}, token=tokens["admin"])
    assert invalid.status == 400 and invalid.json["details"]["field"] == "message_id"
    assert fake.requests == []


def test_a_reaction_that_read_before_a_customers_reaction_keeps_both(api, world, tokens, fake, monkeypatch):
    from niochat.messages import access
    from niochat.store import messages as message_store

    customer = mw.customer_message(world, "Obrigado!")
    pid, theirs = world["pid"], {"emoji": "😀", "reactor": "+5511999990001", "from_me": False}
    original = access.writable_message

    def read_then_race(*args, **kwargs):  # the customer's reaction lands between the agent's read and write
        found = original(*args, **kwargs)
        monkeypatch.setattr(access, "writable_message", original)
        current = message_store.read(pid, customer["conversation"], customer["id"])
        assert message_store.edit(pid, current, {"additional_attributes": {"reactions": [theirs]}})
        return found

    monkeypatch.setattr(access, "writable_message", read_then_race)
    response = api.post("/api/messages/react/", {"message_id": customer["id"], "reaction": "👍"}, token=tokens["admin"])
    assert response.status == 200, response.json
    stored = message_store.read(pid, customer["conversation"], customer["id"])
    assert [(r["reactor"], r["emoji"]) for r in stored["additional_attributes"]["reactions"]] == [
        ("+5511999990001", "😀"),
        ("me", "👍"),
    ]
    assert stored["version"] == 2  # one version per change, whoever made it
