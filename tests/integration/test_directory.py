"""Provedores: role matrix, create/list/patch with validation, and suspension (tokens, logins, reactivation).

Users are covered in test_directory_users.py.
"""

from __future__ import annotations

import pytest

from tests.integration.conftest import login

PASSWORDS = {"root": "senha-forte-0", "admin_a": "senha-forte-1", "agent_a": "senha-forte-2"}


@pytest.fixture
def other(tenant):
    """A second provedor with its own admin."""
    from niochat.directory.provedores import create_provedor
    from niochat.directory.users import create_user
    from niochat.domain.users import UserType

    provedor = create_provedor("Provedor B", "contato@b.example")
    create_user(username="admin_b", password="senha-forte-9", user_type=UserType.ADMIN,
                provedor_id=provedor["id"], email="admin@b.example")  # fmt: skip
    return provedor


def token_of(api, username: str) -> str:
    return login(api, username, PASSWORDS[username])


def provedor_count(api) -> int:
    response = api.get("/api/provedores/", token=token_of(api, "root"))
    assert response.status == 200, response.json
    return response.json["count"]


# Each route's status for each role, in ROLES' order — {own} is the caller's provedor (A), {other} provedor B.
ROLES = ("root", "admin_a", "agent_a", None)
ROUTES = [
    ("GET", "/api/provedores/", None, (200, 403, 403, 401)),
    ("POST", "/api/provedores/", {"nome": "Novo"}, (201, 403, 403, 401)),
    ("GET", "/api/provedores/{own}/", None, (200, 200, 403, 401)),
    ("GET", "/api/provedores/{other}/", None, (200, 404, 403, 401)),
    ("GET", "/api/provedores/99999/", None, (404, 404, 403, 401)),  # the agent is refused whatever the id
    ("PATCH", "/api/provedores/{own}/", {"nome": "Renomeado"}, (200, 403, 403, 401)),
]
MATRIX = [
    (role, method, path, body, expected)
    for method, path, body, statuses in ROUTES
    for role, expected in zip(ROLES, statuses, strict=True)
]


@pytest.mark.parametrize(("role", "method", "path", "body", "expected"), MATRIX)
def test_provedor_role_matrix(api, tenant, other, role, method, path, body, expected):
    token = token_of(api, role) if role else None
    url = path.format(own=tenant["provedor"]["id"], other=other["id"])
    before = provedor_count(api)
    response = api.call(method, url, body, token=token)
    assert response.status == expected, response.json
    if expected >= 400:
        assert response.json["error"] in ("PermissionError", "NotFound", "AuthenticationError")
        assert (
            api.get(f"/api/provedores/{tenant['provedor']['id']}/", token=token_of(api, "root")).json["nome"]
            == tenant["provedor"]["nome"]
        )
        assert provedor_count(api) == before


def test_create_list_and_read_provedores(api, tenant):
    root = token_of(api, "root")
    created = api.post("/api/provedores/", {"nome": "  Fibra Sul ", "email_contato": "Oi@Fibra.example"}, token=root)
    assert created.status == 201, created.json
    body = created.json
    assert body["nome"] == "Fibra Sul" and body["email_contato"] == "oi@fibra.example" and body["is_active"] is True
    assert set(body) == {"id", "nome", "email_contato", "is_active", "created_at", "updated_at"}
    assert api.get(f"/api/provedores/{body['id']}/", token=root).json == body
    for i in range(3):
        assert api.post("/api/provedores/", {"nome": f"P{i}", "is_active": i != 1}, token=root).status == 201
    first = api.get("/api/provedores/", token=root, query={"page_size": "2"}).json
    assert first["count"] == 5
    ids = [p["id"] for p in first["results"]]
    assert ids == [tenant["provedor"]["id"], body["id"]]
    second = api.get("/api/provedores/", token=root, query={"page_size": "2", "page": "2"}).json
    assert [p["nome"] for p in second["results"]] == ["P0", "P1"]
    assert second["results"][1]["is_active"] is False
    assert first["next"] and api.get("/api/provedores/", token=root, query=_query_of(first["next"])).json == second


def _query_of(url: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(url).query))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "nome"),
        ({"nome": 5}, "nome"),
        ({"nome": "   "}, "nome"),
        ({"nome": "N" * 256}, "nome"),
        ({"nome": "Ok", "email_contato": "sem-arroba"}, "email_contato"),
        ({"nome": "Ok", "email_contato": 12}, "email_contato"),
        ({"nome": "Ok", "is_active": "sim"}, "is_active"),
    ],
)
def test_invalid_provedor_create_is_400_and_writes_nothing(api, tenant, body, field):
    root = token_of(api, "root")
    response = api.post("/api/provedores/", body, token=root)
    assert response.status == 400, response.json
    assert response.json["error"] == "ValidationError" and response.json["message"] == "Dados inválidos"
    assert response.json["details"]["field"] == field
    assert provedor_count(api) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"nome": None}, "nome"),
        ({"nome": ""}, "nome"),
        ({"nome": "N" * 256}, "nome"),
        ({"nome": ["x"]}, "nome"),
        ({"email_contato": "x@"}, "email_contato"),
        ({"is_active": None}, "is_active"),
        ({"is_active": "false"}, "is_active"),
        ({"nome": "Bom", "is_active": 0}, "is_active"),
    ],
)
def test_invalid_provedor_patch_is_400_and_changes_nothing(api, tenant, body, field):
    root = token_of(api, "root")
    url = f"/api/provedores/{tenant['provedor']['id']}/"
    before = api.get(url, token=root).json
    response = api.call("PATCH", url, body, token=root)
    assert response.status == 400, response.json
    assert response.json["details"]["field"] == field
    assert api.get(url, token=root).json == before
    # and the provedor's users still work
    assert api.get("/api/auth/me/", token=token_of(api, "agent_a")).status == 200


def test_patch_changes_fields_and_unknown_provedor_is_404(api, tenant):
    root = token_of(api, "root")
    url = f"/api/provedores/{tenant['provedor']['id']}/"
    patched = api.call("PATCH", url, {"nome": "Provedor A2", "email_contato": "novo@a.example"}, token=root)
    assert patched.status == 200
    assert patched.json["nome"] == "Provedor A2" and patched.json["email_contato"] == "novo@a.example"
    assert patched.json["updated_at"] >= patched.json["created_at"]
    assert api.get(url, token=token_of(api, "admin_a")).json["nome"] == "Provedor A2"
    assert api.call("PATCH", "/api/provedores/424242/", {"nome": "X"}, token=root).status == 404
    assert api.call("PATCH", "/api/provedores/abc/", {"nome": "X"}, token=root).status == 404
    assert provedor_count(api) == 1


def test_suspension_blocks_every_user_of_the_provedor_and_reactivation_restores(api, tenant, other):
    root = token_of(api, "root")
    admin, agent = token_of(api, "admin_a"), token_of(api, "agent_a")
    admin_b = login(api, "admin_b", "senha-forte-9")
    url = f"/api/provedores/{tenant['provedor']['id']}/"
    for token in (admin, agent):
        assert api.get("/api/contacts/", token=token).status == 200

    suspended = api.call("PATCH", url, {"is_active": False}, token=root)
    assert suspended.status == 200 and suspended.json["is_active"] is False
    for token in (admin, agent):
        for path in ("/api/auth/me/", "/api/contacts/", "/api/users/"):
            response = api.get(path, token=token)
            assert response.status == 403, (path, response.json)
            assert response.json["error"] == "PermissionError"
    for username in ("admin_a", "agent_a"):
        response = api.post("/api/auth/login/", {"username": username, "password": PASSWORDS[username]})
        assert response.status == 403 and response.json["error"] == "PermissionError"
    # another provedor and the superadmin are unaffected
    assert api.get("/api/contacts/", token=admin_b).status == 200
    assert login(api, "admin_b", "senha-forte-9")
    assert api.get(url, token=root).json["is_active"] is False

    assert api.call("PATCH", url, {"is_active": True}, token=root).json["is_active"] is True
    for token in (admin, agent):
        assert api.get("/api/auth/me/", token=token).status == 200
        assert api.get("/api/contacts/", token=token).status == 200
    assert token_of(api, "agent_a")


def test_a_provedor_created_suspended_refuses_its_users(api, tenant):
    root = token_of(api, "root")
    created = api.post("/api/provedores/", {"nome": "Suspenso", "is_active": False}, token=root).json
    body = {"username": "ana_s", "email": "ana@s.example", "password": "senha-forte-5", "user_type": "admin",
            "provedor": created["id"]}  # fmt: skip
    assert api.post("/api/users/", body, token=root).status == 201
    assert api.post("/api/auth/login/", {"username": "ana_s", "password": "senha-forte-5"}).status == 403
