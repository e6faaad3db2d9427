"""Changing users: PATCH validation, immutable username, email moves, self-protection, deactivation and
permission changes reaching live tokens, set_password, lost races."""

from __future__ import annotations

import pytest

from tests.integration.conftest import login


@pytest.fixture
def admin(api, tenant):
    return login(api, "admin_a", "senha-forte-1")


def agent_url(tenant) -> str:
    return f"/api/users/{tenant['agent']['id']}/"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "invalido"}, "email"),
        ({"email": None}, "email"),
        ({"email": "admin@a.example"}, "email"),  # taken
        ({"first_name": "F" * 151}, "first_name"),
        ({"first_name": None}, "first_name"),
        ({"last_name": 3}, "last_name"),
        ({"user_type": "superadmin"}, "user_type"),
        ({"user_type": 1}, "user_type"),
        ({"permissions": ["voar"]}, "permissions"),
        ({"is_active": "no"}, "is_active"),
        ({"session_timeout": 0}, "session_timeout"),
        ({"session_timeout": 721}, "session_timeout"),
        ({"session_timeout": "30"}, "session_timeout"),
        ({"sound_notifications_enabled": "yes"}, "sound_notifications_enabled"),
        ({"new_message_sound": "../../etc/passwd"}, "new_message_sound"),
        ({"new_conversation_sound": "s" * 101}, "new_conversation_sound"),
        ({"username": "outro_nome"}, "username"),
        ({"provedor": 99999}, "provedor"),
        ({"last_name": "Ok", "session_timeout": 0}, "session_timeout"),
    ],
)
def test_invalid_patch_is_400_and_changes_nothing(api, tenant, admin, body, field):
    url = agent_url(tenant)
    before = api.get(url, token=admin).json
    response = api.call("PATCH", url, body, token=admin)
    assert response.status == 400, response.json
    assert response.json["error"] == "ValidationError" and response.json["details"]["field"] == field
    assert api.get(url, token=admin).json == before
    assert login(api, "agent@a.example", "senha-forte-2")  # the email pointer did not move


def test_patch_changes_profile_and_moves_the_email(api, tenant, admin):
    url = agent_url(tenant)
    body = {"username": "agent_a", "email": "Beto@Novo.example", "first_name": "Roberto", "last_name": "Lima",
            "session_timeout": 30, "sound_notifications_enabled": False, "new_message_sound": "ding.mp3"}  # fmt: skip
    response = api.call("PATCH", url, body, token=admin)
    assert response.status == 200, response.json
    assert response.json["email"] == "beto@novo.example" and response.json["first_name"] == "Roberto"
    assert response.json["sound_notifications_enabled"] is False and response.json["session_timeout"] == 30
    assert "password_hash" not in response.raw["body"]
    token = login(api, "beto@novo.example", "senha-forte-2")
    assert api.get("/api/auth/me/", token=token).json["session_timeout"] == 30
    assert api.post("/api/auth/login/", {"username": "agent@a.example", "password": "senha-forte-2"}).status == 401
    # the old email is free again
    reuse = {"username": "novo", "email": "agent@a.example", "password": "senha-nova-1", "user_type": "agent"}
    assert api.post("/api/users/", reuse, token=admin).status == 201


def test_an_admin_cannot_deactivate_or_demote_themselves(api, tenant, admin):
    url = f"/api/users/{tenant['admin']['id']}/"
    for body, field in (({"is_active": False}, "is_active"), ({"user_type": "agent"}, "user_type")):
        response = api.call("PATCH", url, body, token=admin)
        assert response.status == 400 and response.json["details"]["field"] == field
    same = api.call("PATCH", url, {"user_type": "admin", "is_active": True, "first_name": "Ana Maria"}, token=admin)
    assert same.status == 200 and same.json["first_name"] == "Ana Maria"
    assert api.get("/api/auth/me/", token=admin).json["user_type"] == "admin"


def test_a_superadmin_cannot_be_demoted_through_the_api(api, tenant):
    root = login(api, "root", "senha-forte-0")
    other_root = f"/api/users/{tenant['superadmin']['id']}/"
    assert api.call("PATCH", other_root, {"user_type": "admin"}, token=root).status == 400


def test_deactivating_a_user_ends_their_tokens_at_once(api, tenant, admin):
    agent_tokens = [login(api, "agent_a", "senha-forte-2") for _ in range(2)]
    assert api.get("/api/users/", token=admin, query={"is_active": "true"}).json["count"] == 2
    response = api.call("PATCH", agent_url(tenant), {"is_active": False}, token=admin)
    assert response.status == 200 and response.json["is_active"] is False
    for token in agent_tokens:
        assert api.get("/api/auth/me/", token=token).status == 401
    refused = api.post("/api/auth/login/", {"username": "agent_a", "password": "senha-forte-2"})
    assert refused.status == 403 and refused.json["error"] == "PermissionError"
    assert api.get("/api/users/", token=admin, query={"is_active": "true"}).json["count"] == 1
    assert api.get("/api/users/", token=admin, query={"is_active": "false"}).json["count"] == 1
    assert api.call("PATCH", agent_url(tenant), {"is_active": True}, token=admin).status == 200
    assert login(api, "agent_a", "senha-forte-2")
    assert api.get("/api/users/", token=admin, query={"is_active": "false"}).json["count"] == 0


def test_permission_and_role_changes_reach_live_tokens(api, tenant, admin):
    agent = login(api, "agent_a", "senha-forte-2")
    body = {"name": "Cliente", "phone": "11999990000", "provedor": tenant["provedor"]["id"]}
    assert api.post("/api/contacts/", body, token=agent).status == 403
    granted = api.call("PATCH", agent_url(tenant), {"permissions": ["manage_contacts"]}, token=admin)
    assert granted.status == 200 and granted.json["permissions"] == ["manage_contacts"]
    assert api.post("/api/contacts/", body, token=agent).status == 201
    assert api.call("PATCH", agent_url(tenant), {"permissions": []}, token=admin).status == 200
    assert api.post("/api/contacts/", {**body, "phone": "11999990001"}, token=agent).status == 403
    # promoted to admin: may create users with the same token
    assert api.call("PATCH", agent_url(tenant), {"user_type": "admin"}, token=admin).status == 200
    new = {"username": "novo", "email": "novo@a.example", "password": "senha-nova-1", "user_type": "agent"}
    assert api.post("/api/users/", new, token=agent).status == 201
    root = login(api, "root", "senha-forte-0")
    assert api.get("/api/users/", token=root, query={"user_type": "admin"}).json["count"] == 2


def test_admin_sets_a_users_password_and_ends_their_sessions(api, tenant, admin):
    agent = login(api, "agent_a", "senha-forte-2")
    url = agent_url(tenant) + "set_password/"
    assert api.post(url, {"password": "curta"}, token=admin).json["details"]["field"] == "password"
    assert api.get("/api/auth/me/", token=agent).status == 200
    response = api.post(url, {"password": "nova-senha-segura"}, token=admin)
    assert response.status == 200 and response.json == {"message": "Senha alterada com sucesso"}
    assert api.get("/api/auth/me/", token=agent).status == 401
    assert api.post("/api/auth/login/", {"username": "agent_a", "password": "senha-forte-2"}).status == 401
    assert login(api, "agent_a", "nova-senha-segura")
    assert api.get("/api/auth/me/", token=admin).status == 200  # the admin's own session is untouched


def test_a_user_changes_their_own_password_with_the_current_one(api, tenant):
    here, elsewhere = login(api, "agent_a", "senha-forte-2"), login(api, "agent_a", "senha-forte-2")
    url = agent_url(tenant) + "set_password/"
    missing = api.post(url, {"password": "nova-senha-segura"}, token=here)
    assert missing.status == 400 and missing.json["details"]["field"] == "current_password"
    wrong = api.post(url, {"password": "nova-senha-segura", "current_password": "errada"}, token=here)
    assert wrong.status == 400 and wrong.json["details"]["field"] == "current_password"
    assert login(api, "agent_a", "senha-forte-2")  # unchanged so far
    ok = api.post(url, {"password": "nova-senha-segura", "current_password": "senha-forte-2"}, token=here)
    assert ok.status == 200
    assert api.get("/api/auth/me/", token=here).status == 200
    assert api.get("/api/auth/me/", token=elsewhere).status == 401
    assert login(api, "agent_a", "nova-senha-segura")


def test_guessing_the_current_password_is_limited(api, tenant):
    from niochat.settings import get_settings

    token = login(api, "agent_a", "senha-forte-2")
    url = agent_url(tenant) + "set_password/"
    for _ in range(get_settings().login_max_failures):
        assert api.post(url, {"password": "nova-senha-1", "current_password": "x"}, token=token).status == 400
    blocked = api.post(url, {"password": "nova-senha-1", "current_password": "senha-forte-2"}, token=token)
    assert blocked.status == 429


def test_a_lost_race_is_409_and_writes_nothing(api, tenant, admin):
    from niochat.directory import users as service
    from niochat.directory.models import UserPatch
    from niochat.domain.users import Principal, UserType
    from niochat.errors import Conflict
    from niochat.store import users

    stale = users.get(tenant["agent"]["id"], consistent=True)
    users.change(stale, {"is_active": False})  # another request got there first
    with pytest.raises(users.StaleUser):
        users.change(stale, {"user_type": "admin"})
    # the service answers 409 when its read was overtaken before its write
    root = Principal(user_id=0, provedor_id=None, user_type=UserType.SUPERADMIN, username="root")
    with pytest.raises(Conflict):
        service.update(root, stale, UserPatch(last_name="Novo"))
    assert api.get("/api/users/", token=admin, query={"user_type": "admin"}).json["count"] == 1
    assert api.get("/api/users/", token=admin, query={"is_active": "false"}).json["count"] == 1
    assert api.get(agent_url(tenant), token=admin).json["last_name"] == ""
