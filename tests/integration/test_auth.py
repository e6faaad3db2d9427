"""Auth endpoints on moto: login, logout, me, session timeout, idle expiry, suspension, failed-login limit."""

from __future__ import annotations

import re

import boto3
import pytest

from niochat import clock
from niochat.settings import get_settings
from tests.integration.conftest import login

INVALID_TOKEN = {"error": "AuthenticationError", "message": "Token inválido ou expirado"}


def test_login_returns_a_40_hex_token_that_me_accepts(api, tenant):
    token = login(api, "admin_a", "senha-forte-1")
    assert re.fullmatch(r"[0-9a-f]{40}", token)
    me = api.get("/api/auth/me/", token=token)
    assert me.status == 200
    admin = tenant["admin"]
    assert me.json == {
        "id": admin["id"],
        "username": "admin_a",
        "email": "admin@a.example",
        "first_name": "Ana",
        "last_name": "",
        "provedor_id": tenant["provedor"]["id"],
        "user_type": "admin",
        "permissions": [],
        "sound_notifications_enabled": True,
        "new_message_sound": "message_in_02.mp3",
        "new_conversation_sound": "chat_new_08.mp3",
        "session_timeout": 60,
    }


def test_login_by_email_and_bearer_header(api, tenant):
    token = login(api, "agent@a.example", "senha-forte-2")
    me = api.get("/api/auth/me/", headers={"Authorization": f"Bearer {token}"})
    assert me.status == 200
    assert me.json["username"] == "agent_a"


def test_superadmin_me_has_no_provedor(api, tenant):
    token = login(api, "root", "senha-forte-0")
    assert api.get("/api/auth/me/", token=token).json["provedor_id"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "admin_a"}, "password"),
        ({"password": "x"}, "username"),
        ({"username": "", "password": "x"}, "username"),
    ],
)
def test_login_with_a_missing_field_is_a_400_in_the_seed_format(api, tenant, body, field):
    response = api.post("/api/auth/login/", body)
    assert response.status == 400
    assert response.json["error"] == "ValidationError"
    assert response.json["message"] == "Dados inválidos"
    assert response.json["details"]["field"] == field
    assert response.json["details"]["message"]


def test_login_with_wrong_password_or_unknown_user_is_401(api, tenant):
    for body in ({"username": "admin_a", "password": "errada"}, {"username": "ninguem", "password": "x"}):
        response = api.post("/api/auth/login/", body)
        assert response.status == 401
        assert response.json["error"] == "AuthenticationError"


def test_malformed_json_is_400(api, tenant):
    response = api.call("POST", "/api/auth/login/", raw_body="{username: ")
    assert response.status == 400
    assert response.json["error"] == "ValidationError"
    assert response.json["details"]["field"] == "body"


def test_json_that_is_not_an_object_is_400(api, tenant):
    assert api.call("POST", "/api/auth/login/", raw_body="[1, 2]").status == 400


@pytest.mark.parametrize(
    "header", [None, "Token", "Token nao-existe", "Basic abc", "Token " + "0" * 40, "Token " + "x" * 500]
)
def test_missing_or_bad_token_is_401_with_the_seed_body(api, tenant, header):
    headers = {"Authorization": header} if header is not None else {}
    response = api.get("/api/auth/me/", headers=headers)
    assert response.status == 401
    assert response.json == INVALID_TOKEN


def test_logout_ends_the_token_at_once_and_only_that_token(api, tenant):
    first = login(api, "admin_a", "senha-forte-1")
    second = login(api, "admin_a", "senha-forte-1")
    assert api.post("/api/auth/logout/", token=first).status == 200
    assert api.get("/api/auth/me/", token=first).json == INVALID_TOKEN
    assert api.get("/api/auth/me/", token=second).status == 200
    assert api.post("/api/auth/logout/", token=first).status == 401


def test_idle_token_expires_after_the_session_timeout(api, tenant, monkeypatch):
    token = login(api, "admin_a", "senha-forte-1")
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start + 59 * 60)
    assert api.get("/api/auth/me/", token=token).status == 200  # used: the idle window slides
    monkeypatch.setattr(clock, "now", lambda: start + 59 * 60 + 60 * 60 + 1)
    response = api.get("/api/auth/me/", token=token)
    assert response.status == 401
    assert response.json == INVALID_TOKEN


def test_session_timeout_missing_value(api, tenant):
    token = login(api, "admin_a", "senha-forte-1")
    response = api.post("/api/auth/session-timeout/", {}, token=token)
    assert response.status == 400
    assert response.json == {"error": "Timeout da sessão não fornecido"}


@pytest.mark.parametrize("value", [0, 721, -5, "abc", 1.5, True])
def test_session_timeout_out_of_range_or_not_an_integer(api, tenant, value):
    token = login(api, "admin_a", "senha-forte-1")
    response = api.post("/api/auth/session-timeout/", {"timeout": value}, token=token)
    assert response.status == 400
    assert response.json["error"].startswith("Timeout da sessão")


def test_session_timeout_updates_the_user_and_live_tokens(api, tenant, monkeypatch):
    token = login(api, "admin_a", "senha-forte-1")
    response = api.post("/api/auth/session-timeout/", {"timeout": 5}, token=token)
    assert response.status == 200
    assert response.json == {"message": "Timeout da sessão atualizado com sucesso", "session_timeout": 5}
    assert api.get("/api/auth/me/", token=token).json["session_timeout"] == 5
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start + 6 * 60)
    assert api.get("/api/auth/me/", token=token).status == 401


def test_session_timeout_needs_a_token(api, tenant):
    assert api.post("/api/auth/session-timeout/", {"timeout": 30}).status == 401


def test_inactive_user_cannot_log_in(api, tenant):
    from niochat.store import users

    users.update(tenant["agent"]["id"], {"is_active": False})
    response = api.post("/api/auth/login/", {"username": "agent_a", "password": "senha-forte-2"})
    assert response.status == 403
    assert response.json["error"] == "PermissionError"


def test_suspended_provedor_cannot_log_in_and_its_tokens_get_403(api, tenant):
    from niochat.auth.sessions import set_provedor_sessions_active
    from niochat.store import provedores

    token = login(api, "agent_a", "senha-forte-2")
    provedores.update(tenant["provedor"]["id"], {"is_active": False})
    set_provedor_sessions_active(tenant["provedor"]["id"], False)
    assert api.get("/api/auth/me/", token=token).status == 403
    response = api.post("/api/auth/login/", {"username": "admin_a", "password": "senha-forte-1"})
    assert response.status == 403
    assert response.json["error"] == "PermissionError"
    assert api.post("/api/auth/login/", {"username": "root", "password": "senha-forte-0"}).status == 200


def test_failed_logins_are_limited_per_username(api, tenant):
    limit = get_settings().login_max_failures
    for _ in range(limit):
        assert api.post("/api/auth/login/", {"username": "admin_a", "password": "errada"}).status == 401
    blocked = api.post("/api/auth/login/", {"username": "ADMIN_A", "password": "senha-forte-1"})
    assert blocked.status == 429
    assert blocked.json["error"] == "RateLimitError"
    assert 0 < int(blocked.headers["retry-after"]) <= get_settings().login_window_seconds
    # another username is not affected
    assert api.post("/api/auth/login/", {"username": "agent_a", "password": "senha-forte-2"}).status == 200


def test_tokens_and_passwords_are_never_stored_in_clear(api, tenant):
    token = login(api, "admin_a", "senha-forte-1")
    client = boto3.client("dynamodb")
    dump = str(client.scan(TableName=get_settings().table_name)["Items"])  # test-only scan
    assert token not in dump
    assert "senha-forte-1" not in dump
    assert "scrypt$" in dump


def test_unknown_path_in_a_group_is_a_404_json(api, tenant):
    response = api.get("/api/auth/nada/")
    assert response.status == 404
    assert response.json["error"] == "NotFound"


def test_wrong_method_is_not_a_500(api, tenant):
    assert api.get("/api/auth/login/").status in (404, 405)
