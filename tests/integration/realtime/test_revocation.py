"""Revocation reaches live sockets: logout, deactivation, a password change, a permission change and a
suspension close the connections opened with the session (through the stream's revocation listener), and the
fan-out never posts to a connection whose session is gone even when a close was missed."""

from __future__ import annotations

from niochat.store import connections
from niochat.store import tokens as token_store
from tests.integration import conversation_world as cw
from tests.integration.realtime.kit import connect, customer_message, to_team, types


def _ids(user_id: int) -> list[str]:
    return sorted(c["connection_id"] for c in connections.of_user(user_id))


def test_logout_closes_exactly_that_sessions_sockets(api, world, tokens, live):
    a = world["a"]
    admin_id = a["people"]["admin"]["id"]
    connect("admin_a_laptop", tokens["admin_a"])  # the same session in a second tab
    from tests.integration.conftest import login

    other = login(api, a["people"]["admin"]["username"], cw.PASSWORD)
    connect("admin_a_phone", other)  # another session of the same user
    live.drain()
    assert api.post("/api/auth/logout/", token=tokens["admin_a"]).status == 200
    live.drain()
    assert sorted(world["api"].closed) == ["admin_a", "admin_a_laptop"]
    assert _ids(admin_id) == ["admin_a_phone"]


def test_deactivating_a_user_closes_their_sockets(api, world, tokens, live):
    a = world["a"]
    agent = a["people"]["agent1"]
    response = api.call("PATCH", f"/api/users/{agent['id']}/", {"is_active": False}, token=tokens["admin_a"])
    assert response.status == 200, response.json
    live.drain()
    assert world["api"].closed == ["agent1_a"] and _ids(agent["id"]) == []


def test_a_permission_change_closes_the_sockets_opened_with_the_old_rights(api, world, tokens, live):
    a = world["a"]
    agent = a["people"]["agent2"]
    response = api.call("PATCH", f"/api/users/{agent['id']}/", {"permissions": ["view_team_unassigned"]},
                        token=tokens["admin_a"])  # fmt: skip
    assert response.status == 200, response.json
    live.drain()
    assert world["api"].closed == ["agent2_a"]


def test_suspending_a_provedor_closes_its_sockets_and_no_other(world, live):
    from niochat.directory import provedores
    from niochat.directory.models import ProvedorPatch

    provedores.update(cw.ROOT, world["b"]["pid"], ProvedorPatch(is_active=False))
    live.drain()
    assert sorted(world["api"].closed) == sorted(f"{name}_b" for name in ("admin", "agent1", "agent2", "agent3"))


def test_a_use_of_the_token_closes_nothing(world, live):
    session = tokens_of(world, "agent1")
    token_store.touch(session, 2**31, 30)
    live.drain()
    assert world["api"].closed == []


def test_a_connection_whose_close_was_missed_gets_no_events(world, live):
    a = world["a"]
    conversation = cw.new_conversation(a)
    to_team(a, conversation)  # agent1 may see it
    live.drain()
    world["api"].clear()
    token_store.delete(tokens_of(world, "agent1"))  # the session ended, and its revocation was never processed
    customer_message(a, conversation["id"])
    for records in iter(live.read, []):
        live.deliver([r for r in records if r["dynamodb"]["Keys"]["PK"]["S"].startswith("P#")])
    assert world["api"].received("agent1_a") == []
    assert "chat_message" in types(world["api"].received("admin_a"))


def tokens_of(world, name: str) -> str:
    (connection,) = connections.of_user(world["a"]["people"][name]["id"])
    return connection["token_hash"]
