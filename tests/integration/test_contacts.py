"""Contacts: CRUD, validation, phone normalization and uniqueness, search, pagination."""

from __future__ import annotations

import pytest

from tests.integration.conftest import login


@pytest.fixture
def admin(api, tenant):
    return login(api, "admin_a", "senha-forte-1")


def new_contact(api, token, provedor, name="João Silva", phone="11999999999", **extra):
    body = {"name": name, "phone": phone, "provedor": provedor, **extra}
    response = api.post("/api/contacts/", body, token=token)
    assert response.status == 201, response.json
    return response.json


def test_create_returns_the_seed_fields_with_a_normalized_phone(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    contact = new_contact(api, admin, pid, email="Joao@Exemplo.com")
    assert contact["phone"] == "+5511999999999"
    assert contact["email"] == "joao@exemplo.com"
    assert contact["provedor"] == pid
    assert contact["conversation_count"] == 0 and contact["unread_messages"] == 0
    assert contact["is_online"] is False and contact["last_seen"] is None
    assert contact["additional_attributes"] == {}
    assert api.get(f"/api/contacts/{contact['id']}/", token=admin).json == contact


@pytest.mark.parametrize("other", ["5511999999999", "+55 (11) 99999-9999", "(11) 9999-9999"])
def test_same_number_in_any_writing_is_a_duplicate_naming_the_existing_contact(api, tenant, admin, other):
    pid = tenant["provedor"]["id"]
    first = new_contact(api, admin, pid)
    response = api.post("/api/contacts/", {"name": "Outro", "phone": other, "provedor": pid}, token=admin)
    assert response.status == 400
    assert response.json["details"]["field"] == "phone"
    assert str(first["id"]) in response.json["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone": "11999999999"}, "name"),
        ({"name": "A"}, "phone"),
        ({"name": "A", "phone": "11999999999", "provedor": "1"}, "provedor"),
        ({"name": "A" * 256, "phone": "11999999999"}, "name"),
        ({"name": "   ", "phone": "11999999999"}, "name"),
        ({"name": "A", "phone": "123"}, "phone"),
        ({"name": "A", "phone": "11999999999", "email": "not-an-email"}, "email"),
        ({"name": "A", "phone": "11999999999", "inbox": 999}, "inbox"),
        ({"name": 5, "phone": "11999999999"}, "name"),
    ],
)
def test_invalid_create_is_400_with_the_field_and_writes_nothing(api, tenant, admin, body, field):
    pid = tenant["provedor"]["id"]
    full = {"provedor": pid, **body}
    response = api.post("/api/contacts/", full, token=admin)
    assert response.status == 400, response.json
    assert response.json["error"] == "ValidationError"
    assert response.json["details"]["field"] == field
    assert api.get("/api/contacts/", token=admin).json["count"] == 0


def test_unknown_provedor_is_400(api, tenant, admin):
    response = api.post("/api/contacts/", {"name": "A", "phone": "11999999999", "provedor": 999}, token=admin)
    assert response.status == 400
    assert response.json["details"]["field"] == "provedor"


def test_put_patch_delete(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    contact = new_contact(api, admin, pid, email="a@b.com")
    url = f"/api/contacts/{contact['id']}/"
    patched = api.call("PATCH", url, {"name": "João Souza"}, token=admin)
    assert patched.status == 200 and patched.json["name"] == "João Souza"
    assert patched.json["email"] == "a@b.com"
    replaced = api.call("PUT", url, {"name": "João Silva Atualizado", "phone": "+5511988887777"}, token=admin)
    assert replaced.status == 200
    assert replaced.json["phone"] == "+5511988887777"
    assert replaced.json["email"] is None
    # the old number is free again, the new one is taken
    new_contact(api, admin, pid, name="Reuso", phone="11999999999")
    clash = api.call("PATCH", url, {"phone": "11999999999"}, token=admin)
    assert clash.status == 400 and clash.json["details"]["field"] == "phone"
    assert api.call("DELETE", url, token=admin).status == 204
    assert api.get(url, token=admin).status == 404
    assert api.get("/api/contacts/", token=admin).json["count"] == 1


def test_agent_needs_manage_contacts_to_write(api, tenant):
    from niochat.auth.sessions import refresh_sessions
    from niochat.store import users

    pid = tenant["provedor"]["id"]
    agent = login(api, "agent_a", "senha-forte-2")
    body = {"name": "A", "phone": "11999999999", "provedor": pid}
    assert api.post("/api/contacts/", body, token=agent).status == 403
    assert api.get("/api/contacts/", token=agent).status == 200
    users.update(tenant["agent"]["id"], {"permissions": ["manage_contacts"]})
    refresh_sessions(tenant["agent"]["id"])
    assert api.post("/api/contacts/", body, token=agent).status == 201


def test_search_by_word_prefix_ignoring_accents_and_case(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    joao = new_contact(api, admin, pid, name="João Silva", phone="11999990001")
    new_contact(api, admin, pid, name="Maria Santos", phone="11999990002")
    silvana = new_contact(api, admin, pid, name="Silvana Árvore", phone="11999990003")

    def names(query):
        response = api.get("/api/contacts/", token=admin, query={"search": query})
        assert response.status == 200, response.json
        return sorted(c["name"] for c in response.json["results"]), response.json["count"]

    assert names("joao") == (["João Silva"], 1)
    assert names("JOÃO") == (["João Silva"], 1)
    assert names("silv") == (sorted([joao["name"], silvana["name"]]), 2)
    assert names("joao sil") == (["João Silva"], 1)
    assert names("arv") == (["Silvana Árvore"], 1)
    assert names("ilva") == ([], 0)  # prefixes of words, not substrings


def test_search_by_phone_digits(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    new_contact(api, admin, pid, name="A", phone="11999990001")
    new_contact(api, admin, pid, name="B", phone="21988880001")

    def get(query):
        results = api.get("/api/contacts/", token=admin, query={"search": query}).json["results"]
        return sorted(c["name"] for c in results)

    assert get("0001") == ["A", "B"]
    assert get("8880001") == ["B"]
    assert get("(11) 9999-0001") == ["A"]  # the whole number, without the ninth digit
    assert api.get("/api/contacts/", token=admin, query={"search": "12"}).status == 400


def test_pages_follow_next_and_previous(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    for i in range(7):
        new_contact(api, admin, pid, name=f"Contato {i}", phone=f"1199999{i:04d}")
    first = api.get("/api/contacts/", token=admin, query={"page_size": "3"}).json
    assert first["count"] == 7 and first["previous"] is None
    assert [c["name"] for c in first["results"]] == ["Contato 6", "Contato 5", "Contato 4"]
    seen = [c["id"] for c in first["results"]]
    page = first
    while page["next"]:
        query = dict(pair.split("=", 1) for pair in page["next"].split("?", 1)[1].split("&"))
        from urllib.parse import unquote

        page = api.get("/api/contacts/", token=admin, query={k: unquote(v) for k, v in query.items()}).json
        seen += [c["id"] for c in page["results"]]
    assert len(seen) == 7 == len(set(seen))
    assert page["previous"]
    third = api.get("/api/contacts/", token=admin, query={"page": "3", "page_size": "3"}).json
    assert [c["name"] for c in third["results"]] == ["Contato 0"]
    assert api.get("/api/contacts/", token=admin, query={"page": "4", "page_size": "3"}).status == 404


def test_a_cursor_from_another_list_is_refused(api, tenant, admin):
    import base64
    import json

    forged = {"d": "a", "k": {"PK": "P#999#CONTACT", "SK": "000000000001"}, "p": 2}
    cursor = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    response = api.get("/api/contacts/", token=admin, query={"cursor": cursor})
    assert response.status == 400
    assert api.get("/api/contacts/", token=admin, query={"cursor": "garbage!"}).status == 400
