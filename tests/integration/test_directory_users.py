"""Users: role matrix, create with validation and global uniqueness, list/filters/counts, patch (email moves,
deactivation ends tokens, permission changes apply to live tokens), set_password."""

from __future__ import annotations

import json

import pytest

from tests.integration.conftest import login

PASSWORDS = {"root": "senha-forte-0", "admin_a": "senha-forte-1", "agent_a": "senha-forte-2"}
REDUCED = {"id", "username", "first_name", "last_name", "user_type", "is_active"}


@pytest.fixture
def other(tenant):
    from niochat.directory.provedores import create_provedor
    from niochat.directory.users import create_user
    from niochat.domain.users import UserType

    provedor = create_provedor("Provedor B")
    user = create_user(username="agent_b", password="senha-forte-9", user_type=UserType.AGENT,
                       provedor_id=provedor["id"], email="agent@b.example")  # fmt: skip
    return {"provedor": provedor, "user": user}


def token_of(api, username: str) -> str:
    return login(api, username, PASSWORDS[username])


def new_user_body(**fields):
    return {"username": "carla", "email": "carla@a.example", "password": "senha-nova-1", "first_name": "Carla",
            "last_name": "Dias", "user_type": "agent", "permissions": ["manage_contacts"], **fields}  # fmt: skip


def count(api, token, **query) -> int:
    response = api.get("/api/users/", token=token, query=query or None)
    assert response.status == 200, response.json
    return response.json["count"]


def test_admin_creates_a_user_who_can_log_in(api, tenant):
    admin = token_of(api, "admin_a")
    response = api.post("/api/users/", new_user_body(email="Carla@A.example"), token=admin)
    assert response.status == 201, response.json
    user = response.json
    assert "password_hash" not in user and "password" not in user
    assert user["provedor_id"] == tenant["provedor"]["id"] and user["email"] == "carla@a.example"
    assert user["permissions"] == ["manage_contacts"] and user["is_active"] is True
    assert api.get(f"/api/users/{user['id']}/", token=admin).json == user
    carla = login(api, "carla", "senha-nova-1")
    assert api.get("/api/auth/me/", token=carla).json["user_type"] == "agent"
    assert count(api, admin) == 3


@pytest.mark.parametrize(
    ("role", "provedor", "status", "field"),
    [
        ("root", None, 400, "provedor"),
        ("root", 99999, 400, "provedor"),
        ("root", "own", 201, None),
        ("admin_a", None, 201, None),
        ("admin_a", "own", 201, None),
        ("admin_a", "other", 400, "provedor"),
        ("admin_a", 99999, 400, "provedor"),
        ("agent_a", None, 403, None),
        ("agent_a", "own", 403, None),
    ],
)
def test_who_creates_users_where(api, tenant, other, role, provedor, status, field):
    ids = {"own": tenant["provedor"]["id"], "other": other["provedor"]["id"]}
    body = new_user_body()
    if provedor is not None:
        body["provedor"] = ids.get(provedor, provedor)
    response = api.post("/api/users/", body, token=token_of(api, role))
    assert response.status == status, response.json
    if field:
        assert response.json["details"] == {"field": field, "message": response.json["details"]["message"]}
    if status == 201:
        assert response.json["provedor_id"] == tenant["provedor"]["id"]
    else:  # nothing written: the names are still free
        assert api.post("/api/users/", new_user_body(), token=token_of(api, "admin_a")).status == 201
    if provedor in ("other", 99999) and role == "admin_a":
        assert response.json["details"]["message"] == "Provedor inválido"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"username": None}, "username"),
        ({"email": None}, "email"),
        ({"password": None}, "password"),
        ({"user_type": None}, "user_type"),
        ({"username": 12345}, "username"),
        ({"username": "ab"}, "username"),
        ({"username": "u" * 151}, "username"),
        ({"username": "com espaço"}, "username"),
        ({"email": "sem-arroba"}, "email"),
        ({"email": "x@" + "a" * 260 + ".com"}, "email"),
        ({"password": "curta12"}, "password"),
        ({"password": "p" * 129}, "password"),
        ({"first_name": "F" * 151}, "first_name"),
        ({"last_name": 7}, "last_name"),
        ({"user_type": "superadmin"}, "user_type"),
        ({"user_type": "gerente"}, "user_type"),
        ({"permissions": ["manage_contacts", "delete_everything"]}, "permissions"),
        ({"permissions": "manage_contacts"}, "permissions"),
        ({"provedor": "1"}, "provedor"),
    ],
)
def test_invalid_user_create_is_400_and_writes_nothing(api, tenant, fields, field):
    admin = token_of(api, "admin_a")
    body = {k: v for k, v in new_user_body(**fields).items() if v is not None}
    response = api.post("/api/users/", body, token=admin)
    assert response.status == 400, response.json
    assert response.json["error"] == "ValidationError" and response.json["details"]["field"] == field
    assert count(api, admin) == 2
    assert api.post("/api/users/", new_user_body(), token=admin).status == 201  # username and email still free


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"username": "ADMIN_A"}, "username"),
        ({"email": "AGENT@a.example"}, "email"),
        ({"username": "agent_b"}, "username"),  # unique across provedores
        ({"email": "agent@b.example"}, "email"),
        ({"email": "admin_a@x.example", "username": "admin@a.example"}, "username"),  # a username can't be an email
    ],
)
def test_usernames_and_emails_are_unique_across_the_system(api, tenant, other, fields, field):
    admin = token_of(api, "admin_a")
    response = api.post("/api/users/", new_user_body(**fields), token=admin)
    assert response.status == 400, response.json
    assert response.json["details"]["field"] == field
    assert count(api, admin) == 2 and count(api, token_of(api, "root")) == 4
    # the other name of the refused user was not reserved
    free = {"username": "carla"} if field == "email" else {"email": fields.get("email", "carla@a.example")}
    assert api.post("/api/users/", new_user_body(**free), token=admin).status == 201


def test_an_email_cannot_take_another_users_login_name(api, tenant):
    admin = token_of(api, "admin_a")
    assert api.post("/api/users/", new_user_body(username="dani@x.example"), token=admin).status == 201
    clash = api.post("/api/users/", new_user_body(username="eva", email="dani@x.example"), token=admin)
    assert clash.status == 400 and clash.json["details"]["field"] == "email"
    assert login(api, "dani@x.example", "senha-nova-1")


def test_lists_filters_and_counts(api, tenant, other):
    admin, agent, root = token_of(api, "admin_a"), token_of(api, "agent_a"), token_of(api, "root")
    for i in range(3):
        body = new_user_body(username=f"agente{i}", email=f"agente{i}@a.example")
        created = api.post("/api/users/", body, token=admin).json
    api.call("PATCH", f"/api/users/{created['id']}/", {"is_active": False}, token=admin)
    page = api.get("/api/users/", token=admin, query={"page_size": "2"}).json
    assert page["count"] == 5 and len(page["results"]) == 2 and page["next"]
    assert [u["username"] for u in page["results"]] == ["admin_a", "agent_a"]
    assert count(api, admin, user_type="agent") == 4
    assert count(api, admin, is_active="false") == 1
    assert count(api, admin, user_type="agent", is_active="true") == 3
    filtered = api.get("/api/users/", token=admin, query={"user_type": "admin"}).json["results"]
    assert [u["username"] for u in filtered] == ["admin_a"]
    assert count(api, admin, provedor=str(other["provedor"]["id"])) == 5  # an admin can't name another provedor
    everyone = api.get("/api/users/", token=root, query={"page_size": "100"}).json
    assert everyone["count"] == len(everyone["results"]) == 7
    assert count(api, root, provedor=str(other["provedor"]["id"])) == 1
    assert count(api, root, user_type="superadmin") == 1
    assert api.get("/api/users/", token=root, query={"provedor": "99999"}).status == 400
    assert api.get("/api/users/", token=admin, query={"user_type": "chefe"}).status == 400
    reduced = api.get("/api/users/", token=agent).json
    assert reduced["count"] == 5
    for user in reduced["results"]:  # an agent sees colleagues reduced, themselves in full
        assert ("email" in user) if user["username"] == "agent_a" else set(user) == REDUCED
    for response in (page, everyone, reduced):
        assert "password" not in json.dumps(response)


@pytest.mark.parametrize(
    ("role", "target", "method", "body", "status"),
    [
        ("root", "agent", "GET", None, 200),
        ("root", "b", "GET", None, 200),
        ("root", "agent", "PATCH", {"last_name": "Novo"}, 200),
        ("root", "agent", "SETPW", {"password": "outra-senha-1"}, 200),
        ("admin_a", "agent", "GET", None, 200),
        ("admin_a", "agent", "PATCH", {"last_name": "Novo"}, 200),
        ("admin_a", "agent", "SETPW", {"password": "outra-senha-1"}, 200),
        ("admin_a", "b", "GET", None, 404),
        ("admin_a", "root", "GET", None, 404),
        ("admin_a", "b", "PATCH", {"last_name": "Novo"}, 404),
        ("admin_a", "b", "SETPW", {"password": "outra-senha-1"}, 404),
        ("agent_a", "admin", "GET", None, 200),
        ("agent_a", "agent", "GET", None, 200),
        ("agent_a", "agent", "PATCH", {"new_message_sound": "ding.mp3"}, 200),
        ("agent_a", "agent", "PATCH", {"permissions": ["manage_reports"]}, 403),
        ("agent_a", "admin", "PATCH", {"last_name": "Novo"}, 403),
        ("agent_a", "admin", "SETPW", {"password": "outra-senha-1"}, 403),
        ("agent_a", "b", "GET", None, 404),
        ("agent_a", "b", "PATCH", {"last_name": "Novo"}, 404),
        ("agent_a", "missing", "GET", None, 404),
        (None, "agent", "GET", None, 401),
    ],
)
def test_user_detail_role_matrix(api, tenant, other, role, target, method, body, status):
    ids = {"agent": tenant["agent"]["id"], "admin": tenant["admin"]["id"], "b": other["user"]["id"],
           "root": tenant["superadmin"]["id"], "missing": 99999}  # fmt: skip
    url = f"/api/users/{ids[target]}/"
    token = token_of(api, role) if role else None
    if method == "SETPW":
        response = api.post(url + "set_password/", body, token=token)
    else:
        response = api.call(method, url, body, token=token)
    assert response.status == status, response.json
    assert "password_hash" not in response.raw["body"]
    if status == 200 and method == "GET":
        full = role != "agent_a" or target == "agent"
        assert set(response.json) == set(REDUCED) if not full else "email" in response.json
    if status >= 400 and target != "missing":
        owner = token_of(api, "root")
        assert api.get(url, token=owner).json.get("last_name") != "Novo"
        assert api.get(url, token=owner).json["permissions"] != ["manage_reports"]
