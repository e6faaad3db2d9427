"""Tenant isolation, table-driven: for every endpoint and method, a user of provedor A gets 404 for
provedor B's objects (never 200, never B's data, never another error that would reveal the object exists),
and A's lists never include B's items.

To add an endpoint group: write a `make_<kind>(provedor_id) -> id` that creates one object in a provedor
through the services, and add its probes to PROBES (`{id}` is replaced with B's object id).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from niochat.directory.provedores import create_provedor
from niochat.directory.users import create_user
from niochat.domain.users import UserType
from niochat.store import provedores
from tests.integration.conftest import login

# B gets this many objects of each kind and A one, so B's last id never exists in A.
B_OBJECTS = 3


def make_contact(provedor_id: int, n: int) -> int:
    from niochat.contacts import service
    from niochat.contacts.models import ContactCreate
    from niochat.domain.users import Principal

    root = Principal(user_id=0, provedor_id=None, user_type=UserType.SUPERADMIN, username="root")
    body = ContactCreate(name=f"Segredo P{provedor_id} N{n}", phone=f"+55119{provedor_id:02d}{n:06d}", provedor=provedor_id)
    return service.create(root, provedor_id, body)["id"]


def make_user(provedor_id: int, n: int) -> int:
    user = create_user(username=f"user_p{provedor_id}_{n}", password="senha-forte-3", user_type=UserType.AGENT,
                       provedor_id=provedor_id, email=f"user{n}@p{provedor_id}.example",
                       first_name=f"Segredo P{provedor_id} N{n}")  # fmt: skip
    return user["id"]


def _root():
    from niochat.domain.users import Principal

    return Principal(user_id=0, provedor_id=None, user_type=UserType.SUPERADMIN, username="root")


def make_inbox(provedor_id: int, n: int) -> int:
    from niochat.inboxes import service
    from niochat.inboxes.models import InboxCreate

    settings = {**INBOX_SETTINGS, "token": f"tok-P{provedor_id}-N{n}-0123"}
    name = f"Segredo P{provedor_id} N{n}"
    body = InboxCreate(name=name, channel_type="whatsapp", provedor=provedor_id, settings=settings)
    return service.create(_root(), provedor_id, body).inbox["id"]


def make_team(provedor_id: int, n: int) -> int:
    from niochat.teams import service
    from niochat.teams.models import TeamCreate

    body = TeamCreate(name=f"Segredo P{provedor_id} N{n}", provedor=provedor_id)
    return service.create(_root(), provedor_id, body)["id"]


def make_team_member(provedor_id: int, n: int) -> int:
    """A membership (it shows its user, named with the marker) in a team of its own."""
    from niochat.teams import service
    from niochat.teams.models import MemberCreate

    team = make_team(provedor_id, 100 + n)
    user = create_user(username=f"membro_p{provedor_id}_n{n}", password="senha-forte-3", user_type=UserType.AGENT,
                       provedor_id=provedor_id, first_name=f"Segredo P{provedor_id} N{n}")  # fmt: skip
    return service.add_member(_root(), provedor_id, MemberCreate(team=team, user=user["id"]))["id"]


INBOX_SETTINGS = {"provider": "evolution", "base_url": "https://evo.example", "instance": "i", "token": "tok-123456789"}

MAKERS: dict[str, Callable[[int, int], int]] = {"contact": make_contact, "user": make_user}
MAKERS.update({"inbox": make_inbox, "team": make_team, "team_member": make_team_member})

# (kind, method, path, body)
PROBES: list[tuple[str, str, str, Any]] = [
    ("contact", "GET", "/api/contacts/{id}/", None),
    ("contact", "PUT", "/api/contacts/{id}/", {"name": "Invasor", "phone": "+5511900000000"}),
    ("contact", "PATCH", "/api/contacts/{id}/", {"name": "Invasor"}),
    ("contact", "DELETE", "/api/contacts/{id}/", None),
    ("inbox", "GET", "/api/inboxes/{id}/", None),
    ("inbox", "PUT", "/api/inboxes/{id}/", {"name": "Invasor", "channel_type": "whatsapp", "settings": INBOX_SETTINGS}),
    ("inbox", "PATCH", "/api/inboxes/{id}/", {"name": "Invasor", "is_active": False}),
    ("inbox", "DELETE", "/api/inboxes/{id}/", None),
    ("team", "GET", "/api/teams/{id}/", None),
    ("team", "PUT", "/api/teams/{id}/", {"name": "Invasor"}),
    ("team", "PATCH", "/api/teams/{id}/", {"name": "Invasor"}),
    ("team", "DELETE", "/api/teams/{id}/", None),
    ("team_member", "GET", "/api/team-members/{id}/", None),
    ("team_member", "DELETE", "/api/team-members/{id}/", None),
    ("user", "GET", "/api/users/{id}/", None),
    ("user", "PATCH", "/api/users/{id}/", {"first_name": "Invasor", "is_active": False}),
    ("user", "POST", "/api/users/{id}/set_password/", {"password": "senha-invasora-1"}),
    ("provedor", "GET", "/api/provedores/{id}/", None),  # B's own provedor id
]

# (kind, list path, JSON key whose value must never be one of B's)
LISTS: list[tuple[str, str]] = [
    ("contact", "/api/contacts/"),
    ("inbox", "/api/inboxes/"),
    ("team", "/api/teams/"),
    ("user", "/api/users/"),
]

# Where the owner reads an object back after a probe: the kind's GET probe.
DETAIL_PATHS = {kind: path for kind, method, path, _ in PROBES if method == "GET"}
# Kinds whose endpoints refuse agents with 403 for every id, existing or not (so the answer reveals nothing).
REFUSED_TO_AGENTS = {"provedor"}


@pytest.fixture
def world(aws):
    a = create_provedor("Provedor A")
    b = create_provedor("Provedor B")
    for provedor, tag in ((a, "a"), (b, "b")):
        create_user(
            username=f"admin_{tag}",
            password="senha-forte-1",
            user_type=UserType.ADMIN,
            provedor_id=provedor["id"],
            email=f"admin@{tag}.example",
            first_name=f"Segredo P{provedor['id']} Admin",
        )
        create_user(username=f"agent_{tag}", password="senha-forte-2", user_type=UserType.AGENT,
                    provedor_id=provedor["id"], email=f"agent@{tag}.example",
                    first_name=f"Segredo P{provedor['id']} Agent",
                    permissions=["manage_contacts", "view_team_unassigned", "view_ai_conversations"])  # fmt: skip
    b_ids: dict[str, int] = {}
    for kind, make in MAKERS.items():
        make(a["id"], 1)
        for n in range(1, B_OBJECTS + 1):
            b_ids[kind] = make(b["id"], n)
    b = provedores.update(b["id"], {"nome": f"Provedor B Segredo P{b['id']}"})
    b_ids["provedor"] = b["id"]
    return {"a": a, "b": b, "b_ids": b_ids}


def _b_marker(world: dict[str, Any]) -> str:
    """Every object made for B carries this in its name."""
    return f"Segredo P{world['b']['id']}"


@pytest.mark.parametrize("role", ["admin_a", "agent_a"])
@pytest.mark.parametrize(("kind", "method", "path", "body"), PROBES, ids=[f"{m} {p}" for _, m, p, _ in PROBES])
def test_another_provedors_object_is_404(api, world, role, kind, method, path, body):
    password = "senha-forte-1" if role.startswith("admin") else "senha-forte-2"
    token = login(api, role, password)
    url = path.format(id=world["b_ids"][kind])
    response = api.call(method, url, body, token=token)
    status, error = (403, "PermissionError") if role == "agent_a" and kind in REFUSED_TO_AGENTS else (404, "NotFound")
    assert response.status == status, (url, response.status, response.raw["body"])
    assert response.json["error"] == error
    assert _b_marker(world) not in response.raw["body"]
    # and nothing changed in B: its owner still reads it
    owner = login(api, "admin_b", "senha-forte-1")
    detail = api.get(DETAIL_PATHS.get(kind, path).format(id=world["b_ids"][kind]), token=owner)
    assert detail.status == 200
    assert _b_marker(world) in detail.raw["body"]


@pytest.mark.parametrize("role", ["admin_a", "agent_a"])
@pytest.mark.parametrize(("kind", "path"), LISTS, ids=[p for _, p in LISTS])
def test_lists_never_include_another_provedors_items(api, world, role, kind, path):
    password = "senha-forte-1" if role.startswith("admin") else "senha-forte-2"
    token = login(api, role, password)
    response = api.get(path, token=token, query={"page_size": "100"})
    assert response.status == 200, response.json
    body = json.dumps(response.json, ensure_ascii=False)
    assert _b_marker(world) not in body
    for item in response.json["results"]:
        assert item.get("provedor", item.get("provedor_id", world["a"]["id"])) == world["a"]["id"]


def test_a_search_never_finds_another_provedors_contacts(api, world):
    token = login(api, "admin_a", "senha-forte-1")
    for query in ("segredo", f"p{world['b']['id']}", "0000002"):
        results = api.get("/api/contacts/", token=token, query={"search": query}).json["results"]
        assert all(c["provedor"] == world["a"]["id"] for c in results)


@pytest.mark.parametrize("role", ["admin_a", "agent_a"])
def test_another_provedors_user_keeps_their_password_and_sessions(api, world, role):
    victim = f"user_p{world['b']['id']}_{B_OBJECTS}"
    victim_token = login(api, victim, "senha-forte-3")
    password = "senha-forte-1" if role.startswith("admin") else "senha-forte-2"
    token = login(api, role, password)
    url = f"/api/users/{world['b_ids']['user']}/"
    assert api.post(url + "set_password/", {"password": "senha-invasora-1"}, token=token).status == 404
    assert api.call("PATCH", url, {"is_active": False}, token=token).status == 404
    assert api.get("/api/auth/me/", token=victim_token).status == 200
    assert login(api, victim, "senha-forte-3")


@pytest.mark.parametrize("role", ["admin_a", "agent_a"])
def test_the_members_of_another_provedors_team_are_404(api, world, role):
    token = login(api, role, "senha-forte-1" if role.startswith("admin") else "senha-forte-2")
    response = api.get("/api/team-members/", token=token, query={"team": str(world["b_ids"]["team"])})
    assert response.status == 404 and response.json["error"] == "NotFound"
    assert response.json == api.get("/api/team-members/", token=token, query={"team": "999"}).json
    assert _b_marker(world) not in response.raw["body"]
    for team in api.get("/api/teams/", token=token).json["results"]:
        members = api.get("/api/team-members/", token=token, query={"team": str(team["id"]), "page_size": "100"})
        assert _b_marker(world) not in members.raw["body"]
        assert all(m["provedor"] == world["a"]["id"] for m in members.json["results"])


def test_a_cannot_add_members_with_another_provedors_team_or_user(api, world):
    from niochat.store import users

    token = login(api, "admin_a", "senha-forte-1")
    a_team = api.get("/api/teams/", token=token).json["results"][0]["id"]
    a_user = users.get_by_login("agent_a")["id"]
    b_user = users.get_by_login(f"membro_p{world['b']['id']}_n1")["id"]
    b_team = world["b_ids"]["team"]
    with_b_team = api.post("/api/team-members/", {"team": b_team, "user": a_user}, token=token)
    no_team = api.post("/api/team-members/", {"team": 999, "user": a_user}, token=token)
    assert with_b_team.status == 400 and with_b_team.json == no_team.json
    assert with_b_team.json["details"]["field"] == "team"
    with_b_user = api.post("/api/team-members/", {"team": a_team, "user": b_user}, token=token)
    no_user = api.post("/api/team-members/", {"team": a_team, "user": 99_999}, token=token)
    assert with_b_user.status == 400 and with_b_user.json == no_user.json
    assert with_b_user.json["details"]["field"] == "user"
    for response in (with_b_team, with_b_user):
        assert _b_marker(world) not in response.raw["body"]
    owner = login(api, "admin_b", "senha-forte-1")
    assert api.get(f"/api/teams/{b_team}/", token=owner).json["members_count"] == 0
