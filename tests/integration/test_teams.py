"""Teams and team members: CRUD, unique names, member rules, exact counts, atomic deletion."""

from __future__ import annotations

import threading

import boto3
import pytest

from niochat.directory.provedores import create_provedor
from niochat.directory.users import create_user
from niochat.domain.users import UserType
from niochat.settings import get_settings
from niochat.store import users
from niochat.teams import service
from tests.integration.conftest import login


@pytest.fixture
def admin(api, tenant):
    return login(api, "admin_a", "senha-forte-1")


def new_team(api, token, provedor, name="Suporte Técnico", **extra):
    response = api.post("/api/teams/", {"name": name, "provedor": provedor, **extra}, token=token)
    assert response.status == 201, response.json
    return response.json


def add(api, token, team_id, user_id, **extra):
    return api.post("/api/team-members/", {"team": team_id, "user": user_id, **extra}, token=token)


def agent(provedor_id: int, n: int) -> dict:
    return create_user(
        username=f"agente_{provedor_id}_{n}",
        password="senha-forte-9",
        user_type=UserType.AGENT,
        provedor_id=provedor_id,
        email=f"agente{n}@p{provedor_id}.example",
        first_name=f"Agente {n}",
    )


def stored(prefix: str) -> list[dict]:
    """Items whose PK contains `prefix` (a Scan: tests only)."""
    items = boto3.client("dynamodb").scan(TableName=get_settings().table_name)["Items"]
    return [i for i in items if prefix in i["PK"]["S"]]


def test_create_read_and_the_seed_fields(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    team = new_team(api, admin, pid, description="Equipe de suporte técnico")
    assert team["name"] == "Suporte Técnico" and team["description"] == "Equipe de suporte técnico"
    assert team["provedor"] == pid and team["members_count"] == 0 and team["is_active"] is True
    assert api.get(f"/api/teams/{team['id']}/", token=admin).json == team
    assert api.get("/api/teams/", token=admin).json["results"] == [team]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"description": "x"}, "name"),
        ({"name": 5}, "name"),
        ({"name": "A" * 256}, "name"),
        ({"name": "  "}, "name"),
        ({"name": "A", "provedor": "1"}, "provedor"),
        ({"name": "A", "provedor": 999}, "provedor"),
        ({"name": "A", "description": "d" * 1001}, "description"),
        ({"name": "A", "is_active": "sim"}, "is_active"),
    ],
)
def test_invalid_create_is_400_with_the_field_and_writes_nothing(api, tenant, admin, body, field):
    response = api.post("/api/teams/", {"provedor": tenant["provedor"]["id"], **body}, token=admin)
    assert response.status == 400, response.json
    assert response.json["error"] == "ValidationError"
    assert response.json["details"]["field"] == field
    assert api.get("/api/teams/", token=admin).json["count"] == 0
    assert stored("#TEAMNAME") == []


def test_names_are_unique_per_provedor_ignoring_case_and_renames_free_the_old_name(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    first = new_team(api, admin, pid, name="Suporte")
    duplicate = api.post("/api/teams/", {"name": " SUPORTE ", "provedor": pid}, token=admin)
    assert duplicate.status == 400 and duplicate.json["details"]["field"] == "name"
    other = new_team(api, admin, pid, name="Financeiro")
    clash = api.call("PATCH", f"/api/teams/{other['id']}/", {"name": "suporte"}, token=admin)
    assert clash.status == 400 and clash.json["details"]["field"] == "name"
    assert api.get(f"/api/teams/{other['id']}/", token=admin).json["name"] == "Financeiro"
    renamed = api.call("PATCH", f"/api/teams/{first['id']}/", {"name": "Suporte N1"}, token=admin)
    assert renamed.status == 200 and renamed.json["name"] == "Suporte N1"
    assert api.call("PATCH", f"/api/teams/{first['id']}/", {"name": "suporte n1"}, token=admin).status == 200
    new_team(api, admin, pid, name="Suporte")
    assert len(stored("#TEAMNAME")) == 3
    # another provedor may use the same name
    b = create_provedor("Provedor B")
    root = login(api, "root", "senha-forte-0")
    new_team(api, root, b["id"], name="Suporte")


@pytest.mark.parametrize(
    ("method", "body", "field"),
    [
        ("PATCH", {"name": "A" * 256}, "name"),
        ("PATCH", {"name": 5}, "name"),
        ("PATCH", {"is_active": "no"}, "is_active"),
        ("PATCH", {"provedor": 999}, "provedor"),
        ("PATCH", {"description": ["x"]}, "description"),
        ("PUT", {"description": "só descrição"}, "name"),
        ("PUT", {"name": "B" * 256}, "name"),
    ],
)
def test_invalid_change_is_400_and_changes_nothing(api, tenant, admin, method, body, field):
    team = new_team(api, admin, tenant["provedor"]["id"], description="Original")
    url = f"/api/teams/{team['id']}/"
    response = api.call(method, url, body, token=admin)
    assert response.status == 400, response.json
    assert response.json["details"]["field"] == field
    assert api.get(url, token=admin).json == team


def test_put_replaces_and_patch_changes_only_what_is_sent(api, tenant, admin):
    team = new_team(api, admin, tenant["provedor"]["id"], description="Original")
    url = f"/api/teams/{team['id']}/"
    patched = api.call("PATCH", url, {"is_active": False}, token=admin).json
    assert patched["is_active"] is False and patched["description"] == "Original"
    replaced = api.call("PUT", url, {"name": "Vendas"}, token=admin).json
    assert replaced["name"] == "Vendas" and replaced["description"] == "" and replaced["is_active"] is True


def test_members_add_list_remove_with_exact_counts(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    team = new_team(api, admin, pid)
    extra = agent(pid, 1)
    first = add(api, admin, team["id"], tenant["agent"]["id"])
    assert first.status == 201, first.json
    assert first.json["user"]["username"] == "agent_a" and first.json["role"] == "member"
    assert "password_hash" not in first.raw["body"]
    leader = add(api, admin, team["id"], extra["id"], role="leader")
    assert leader.status == 201 and leader.json["role"] == "leader"
    listed = api.get("/api/team-members/", token=admin, query={"team": str(team["id"])}).json
    assert listed["count"] == 2
    assert [m["user"]["id"] for m in listed["results"]] == [extra["id"], tenant["agent"]["id"]]
    assert api.get(f"/api/teams/{team['id']}/", token=admin).json["members_count"] == 2
    assert service.teams_of_user(pid, extra["id"]) == [team["id"]]

    assert api.call("DELETE", f"/api/team-members/{leader.json['id']}/", token=admin).status == 204
    assert api.call("DELETE", f"/api/team-members/{leader.json['id']}/", token=admin).status == 404
    assert api.get(f"/api/teams/{team['id']}/", token=admin).json["members_count"] == 1
    assert service.teams_of_user(pid, extra["id"]) == []
    assert add(api, admin, team["id"], extra["id"]).status == 201  # may join again


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"user": 2}, "team"),
        ({"team": 1}, "user"),
        ({"team": "1", "user": 2}, "team"),
        ({"team": 1, "user": "2"}, "user"),
        ({"team": 99, "user": 2}, "team"),
        ({"team": 1, "user": 999}, "user"),
        ({"team": 1, "user": 2, "role": "owner"}, "role"),
        ({"team": 1, "user": 2, "provedor": 999}, "provedor"),
    ],
)
def test_invalid_member_is_400_with_the_field_and_writes_nothing(api, tenant, admin, body, field):
    team = new_team(api, admin, tenant["provedor"]["id"])
    assert team["id"] == 1 and tenant["agent"]["id"] == 2
    response = api.post("/api/team-members/", body, token=admin)
    assert response.status == 400, response.json
    assert response.json["details"]["field"] == field
    assert api.get("/api/team-members/", token=admin, query={"team": "1"}).json["count"] == 0
    assert stored("#TEAM_MEMBER") == []


def test_member_rules_twice_other_provedor_inactive(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    team = new_team(api, admin, pid)
    assert add(api, admin, team["id"], tenant["agent"]["id"]).status == 201
    twice = add(api, admin, team["id"], tenant["agent"]["id"])
    assert twice.status == 400 and twice.json["details"]["field"] == "user"
    b = create_provedor("Provedor B")
    outsider = agent(b["id"], 1)
    foreign = add(api, admin, team["id"], outsider["id"])
    missing = add(api, admin, team["id"], 9999)
    assert foreign.status == missing.status == 400
    assert foreign.json == missing.json  # another provedor's user reads exactly like no user
    inactive = agent(pid, 2)
    users.update(inactive["id"], {"is_active": False})
    assert add(api, admin, team["id"], inactive["id"]).json == missing.json
    superadmin = add(api, admin, team["id"], tenant["superadmin"]["id"])
    assert superadmin.json == missing.json
    assert api.get(f"/api/teams/{team['id']}/", token=admin).json["members_count"] == 1
    assert len(stored("#TEAM_MEMBER")) == 1


def test_member_list_needs_a_team_of_the_provedor(api, tenant, admin):
    no_team = api.get("/api/team-members/", token=admin)
    assert no_team.status == 400 and no_team.json["details"]["field"] == "team"
    assert api.get("/api/team-members/", token=admin, query={"team": "abc"}).status == 400
    assert api.get("/api/team-members/", token=admin, query={"team": "7"}).status == 404


def test_deleting_a_team_deletes_its_memberships_atomically(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    team = new_team(api, admin, pid)
    other = new_team(api, admin, pid, name="Vendas")
    agents = [tenant["agent"], agent(pid, 1), agent(pid, 2)]
    memberships = [add(api, admin, team["id"], a["id"]).json for a in agents]
    kept = add(api, admin, other["id"], agents[0]["id"]).json
    assert api.call("DELETE", f"/api/teams/{team['id']}/", token=admin).status == 204
    for membership in memberships:
        assert api.get(f"/api/team-members/{membership['id']}/", token=admin).status == 404
    assert api.get(f"/api/team-members/{kept['id']}/", token=admin).status == 200
    assert service.teams_of_user(pid, agents[0]["id"]) == [other["id"]]
    assert api.get("/api/teams/", token=admin).json["count"] == 1
    assert len(stored("#TEAM_MEMBER")) == 1
    from niochat.store import counters

    assert counters.read(pid)["team_member"] == 1 and counters.read(pid)["team"] == 1
    new_team(api, admin, pid)  # the name is free again


def test_a_team_too_big_for_one_transaction_is_refused_whole(api, tenant, admin, monkeypatch):
    pid = tenant["provedor"]["id"]
    team = new_team(api, admin, pid)
    for a in (tenant["agent"], agent(pid, 1)):
        add(api, admin, team["id"], a["id"])
    monkeypatch.setattr(service, "MAX_MEMBERS_ON_DELETE", 1)
    refused = api.call("DELETE", f"/api/teams/{team['id']}/", token=admin)
    assert refused.status == 409 and refused.json["details"]["max_members"] == 1
    assert api.get(f"/api/teams/{team['id']}/", token=admin).json["members_count"] == 2
    assert len(stored("#TEAM_MEMBER")) == 2


def test_agents_read_teams_and_members_but_only_admins_write(api, tenant, admin):
    pid = tenant["provedor"]["id"]
    team = new_team(api, admin, pid)
    membership = add(api, admin, team["id"], tenant["agent"]["id"]).json
    token = login(api, "agent_a", "senha-forte-2")
    assert api.get("/api/teams/", token=token).json["count"] == 1
    assert api.get("/api/team-members/", token=token, query={"team": str(team["id"])}).json["count"] == 1
    assert api.post("/api/teams/", {"name": "Minha", "provedor": pid}, token=token).status == 403
    assert api.call("PATCH", f"/api/teams/{team['id']}/", {"name": "X"}, token=token).status == 403
    assert api.call("PUT", f"/api/teams/{team['id']}/", {"name": "X"}, token=token).status == 403
    assert api.call("DELETE", f"/api/teams/{team['id']}/", token=token).status == 403
    assert add(api, token, team["id"], tenant["admin"]["id"]).status == 403
    assert api.call("DELETE", f"/api/team-members/{membership['id']}/", token=token).status == 403
    assert api.get(f"/api/teams/{team['id']}/", token=admin).json == {**team, "members_count": 1}


def test_superadmin_names_the_provedor(api, tenant):
    pid = tenant["provedor"]["id"]
    root = login(api, "root", "senha-forte-0")
    team = new_team(api, root, pid)
    assert api.get(f"/api/teams/{team['id']}/", token=root).status == 400
    assert api.get(f"/api/teams/{team['id']}/", token=root, query={"provedor": str(pid)}).status == 200
    no_provedor = add(api, root, team["id"], tenant["agent"]["id"])
    assert no_provedor.status == 400 and no_provedor.json["details"]["field"] == "provedor"
    assert add(api, root, team["id"], tenant["agent"]["id"], provedor=pid).status == 201


def test_adding_the_same_user_concurrently_makes_one_membership(api, tenant, admin, monkeypatch):
    from niochat.domain.users import Principal
    from niochat.errors import ApiError
    from niochat.teams.models import MemberCreate

    pid = tenant["provedor"]["id"]
    team = new_team(api, admin, pid)
    caller = Principal(user_id=tenant["admin"]["id"], provedor_id=pid, user_type=UserType.ADMIN, username="admin_a")
    barrier = threading.Barrier(2)
    original = service._member_error
    first_checks = [True, True]

    def check_then_wait(*args, **kwargs):
        error = original(*args, **kwargs)
        if first_checks and first_checks.pop():
            barrier.wait(timeout=10)  # both pass the read checks before either writes
        return error

    monkeypatch.setattr(service, "_member_error", check_then_wait)
    outcomes: list[object] = []

    def join() -> None:
        try:
            outcomes.append(service.add_member(caller, pid, MemberCreate(team=team["id"], user=tenant["agent"]["id"])))
        except ApiError as error:
            outcomes.append(error.details["field"])

    threads = [threading.Thread(target=join) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(type, outcomes), key=str) == [dict, str] and "user" in outcomes
    assert api.get(f"/api/teams/{team['id']}/", token=admin).json["members_count"] == 1
    assert len(stored("#TEAM_MEMBER")) == 1
