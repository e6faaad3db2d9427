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


MAKERS: dict[str, Callable[[int, int], int]] = {"contact": make_contact}

# (kind, method, path, body)
PROBES: list[tuple[str, str, str, Any]] = [
    ("contact", "GET", "/api/contacts/{id}/", None),
    ("contact", "PUT", "/api/contacts/{id}/", {"name": "Invasor", "phone": "+5511900000000"}),
    ("contact", "PATCH", "/api/contacts/{id}/", {"name": "Invasor"}),
    ("contact", "DELETE", "/api/contacts/{id}/", None),
]

# (kind, list path, JSON key whose value must never be one of B's)
LISTS: list[tuple[str, str]] = [
    ("contact", "/api/contacts/"),
]


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
            first_name=f"Admin {tag}",
        )
        create_user(username=f"agent_{tag}", password="senha-forte-2", user_type=UserType.AGENT,
                    provedor_id=provedor["id"], email=f"agent@{tag}.example", first_name=f"Agent {tag}",
                    permissions=["manage_contacts", "view_team_unassigned", "view_ai_conversations"])  # fmt: skip
    b_ids: dict[str, int] = {}
    for kind, make in MAKERS.items():
        make(a["id"], 1)
        for n in range(1, B_OBJECTS + 1):
            b_ids[kind] = make(b["id"], n)
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
    assert response.status == 404, (url, response.status, response.raw["body"])
    assert response.json["error"] == "NotFound"
    assert _b_marker(world) not in response.raw["body"]
    # and nothing changed in B: its owner still reads it
    owner = login(api, "admin_b", "senha-forte-1")
    detail = api.get(url, token=owner)
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
