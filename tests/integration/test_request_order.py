"""What clients of NioChat expect of every request: DRF's order (authentication, then permission, then
validation), `provedor` optional in bodies except for superadmins, NioChat's spellings of some fields, and
file names as the customer sent them."""

from __future__ import annotations

import pytest

from tests.integration.conftest import login

INBOX = {"name": "Suporte", "channel_type": "webchat"}


@pytest.fixture
def tokens(api, tenant):
    return {
        "admin": login(api, "admin_a", "senha-forte-1"),
        "agent": login(api, "agent_a", "senha-forte-2"),
        "root": login(api, "root", "senha-forte-0"),
    }


def _ids(api, token):
    """An inbox, a team and a contact of the tenant, made by its admin."""
    inbox = api.post("/api/inboxes/", INBOX, token=token).json["id"]
    team = api.post("/api/teams/", {"name": "Vendas"}, token=token).json["id"]
    contact = api.post("/api/contacts/", {"name": "Ana", "phone": "11999990000"}, token=token).json["id"]
    return {"inbox": inbox, "team": team, "contact": contact}


# (method, path, a body that would be a 400 if it were read)
ADMIN_ONLY_WRITES = [
    ("POST", "/api/inboxes/", {}),
    ("POST", "/api/inboxes/", {"name": "", "channel_type": "fax", "provedor": "x"}),
    ("PUT", "/api/inboxes/{inbox}/", {}),
    ("PATCH", "/api/inboxes/{inbox}/", {"channel_type": "fax"}),
    ("PUT", "/api/inboxes/999/", {}),
    ("DELETE", "/api/inboxes/999/", None),
    ("POST", "/api/teams/", {}),
    ("PUT", "/api/teams/{team}/", {"name": ""}),
    ("PATCH", "/api/teams/999/", {"name": 5}),
    ("DELETE", "/api/teams/{team}/", None),
    ("POST", "/api/team-members/", {"team": "x"}),
    ("DELETE", "/api/team-members/999/", None),
    ("POST", "/api/users/", {"username": 1}),
    ("PATCH", "/api/users/{admin_user}/", {"email": "not-an-email"}),
    ("POST", "/api/users/{admin_user}/set_password/", {"password": "curta"}),
    ("POST", "/api/conversations/", {"contact": "x"}),
]


WRITE_IDS = [f"{method} {path}" for method, path, _ in ADMIN_ONLY_WRITES]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ONLY_WRITES, ids=WRITE_IDS)
def test_an_agent_gets_403_on_admin_only_writes_whatever_the_body(api, tenant, tokens, method, path, body):
    ids = {**_ids(api, tokens["admin"]), "admin_user": tenant["admin"]["id"]}
    response = api.call(method, path.format(**ids), body, token=tokens["agent"])
    assert response.status == 403, response.json
    assert response.json["error"] == "PermissionError"


def test_an_agent_without_manage_contacts_gets_403_before_validation(api, tenant, tokens):
    ids = _ids(api, tokens["admin"])
    for method, path in (("POST", "/api/contacts/"), ("PUT", f"/api/contacts/{ids['contact']}/"),
                         ("PATCH", f"/api/contacts/{ids['contact']}/")):  # fmt: skip
        response = api.call(method, path, {"name": "", "phone": "1"}, token=tokens["agent"])
        assert response.status == 403, (method, response.json)


def test_authentication_comes_before_permission_and_validation(api, tenant):
    response = api.post("/api/inboxes/", {"name": ""}, token="0" * 40)
    assert response.status == 401 and response.json["error"] == "AuthenticationError"


def test_an_admin_still_gets_the_validation_error(api, tokens):
    response = api.post("/api/inboxes/", {"name": "Suporte"}, token=tokens["admin"])
    assert response.status == 400 and response.json["details"]["field"] == "channel_type"


# -- provedor in bodies ------------------------------------------------------------------------------------
CREATES = [
    ("/api/inboxes/", INBOX),
    ("/api/teams/", {"name": "Suporte"}),
    ("/api/contacts/", {"name": "Bia", "phone": "11988887777"}),
]


@pytest.mark.parametrize(("path", "body"), CREATES, ids=[p for p, _ in CREATES])
def test_admins_may_leave_out_their_provedor_or_name_it(api, tenant, tokens, path, body):
    pid = tenant["provedor"]["id"]
    without = api.post(path, body, token=tokens["admin"])
    assert without.status == 201, without.json
    assert without.json["provedor"] == pid
    api.call("DELETE", f"{path}{without.json['id']}/", token=tokens["admin"])
    named = api.post(path, {**body, "provedor": pid}, token=tokens["admin"])
    assert named.status == 201 and named.json["provedor"] == pid


@pytest.mark.parametrize(("path", "body"), CREATES, ids=[p for p, _ in CREATES])
def test_another_provedor_in_a_body_is_the_same_400_as_one_that_does_not_exist(api, tenant, tokens, path, body):
    from niochat.directory.provedores import create_provedor

    other = create_provedor("Provedor B")["id"]
    answers = [api.post(path, {**body, "provedor": p}, token=tokens["admin"]) for p in (other, 999_999)]
    assert [a.status for a in answers] == [400, 400]
    assert answers[0].json == answers[1].json and answers[0].json["details"]["field"] == "provedor"


@pytest.mark.parametrize(("path", "body"), CREATES, ids=[p for p, _ in CREATES])
def test_a_superadmin_must_name_the_provedor(api, tenant, tokens, path, body):
    response = api.post(path, body, token=tokens["root"])
    assert response.status == 400 and response.json["details"]["field"] == "provedor"
    named = api.post(path, {**body, "provedor": tenant["provedor"]["id"]}, token=tokens["root"])
    assert named.status == 201, named.json


def test_an_agent_with_manage_contacts_creates_a_contact_without_provedor(api, tenant, tokens):
    from niochat.store import users

    users.update(tenant["agent"]["id"], {"permissions": ["manage_contacts"]})
    agent = login(api, "agent_a", "senha-forte-2")
    response = api.post("/api/contacts/", {"name": "Caio", "phone": "11977776666"}, token=agent)
    assert response.status == 201 and response.json["provedor"] == tenant["provedor"]["id"]


# -- NioChat's spellings ---------------------------------------------------------------------------------
def test_a_conversation_is_created_with_contact_id_and_inbox_id(api, tokens):
    ids = _ids(api, tokens["admin"])
    response = api.post("/api/conversations/", {"contact_id": ids["contact"], "inbox_id": ids["inbox"]},
                        token=tokens["admin"])  # fmt: skip
    assert response.status == 201, response.json
    assert response.json["contact"]["id"] == ids["contact"] and response.json["inbox"]["id"] == ids["inbox"]


def test_a_missing_contact_is_still_named_contact(api, tokens):
    response = api.post("/api/conversations/", {"inbox_id": 1}, token=tokens["admin"])
    assert response.status == 400 and response.json["details"]["field"] == "contact"
