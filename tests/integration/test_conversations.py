"""Conversations: the state machine, visibility and permissions, races, counters, activity and audit."""

from __future__ import annotations

import threading

import pytest

from niochat.store import counters
from tests.integration import conversation_world as cw
from tests.integration.conftest import login


@pytest.fixture
def world(aws):
    return cw.build()


@pytest.fixture
def tokens(api, world):
    return {name: login(api, user["username"], cw.PASSWORD) for name, user in world["people"].items()}


def act(api, token, conversation_id, action, body=None):
    return api.post(f"/api/conversations/{conversation_id}/{action}/", body or {}, token=token)


def status_of(api, token, conversation_id):
    return api.get(f"/api/conversations/{conversation_id}/", token=token).json["status"]


def test_new_conversation_is_pending_and_listed_with_the_seed_shape(api, world, tokens):
    conversation = cw.new_conversation(world)
    assert conversation["status"] == "pending"
    page = api.get("/api/conversations/", token=tokens["admin"]).json
    assert page["count"] == 1
    item = page["results"][0]
    assert item["id"] == conversation["id"]
    assert item["contact"]["name"] == "João Silva" and item["contact"]["phone"] == "+5511999990001"
    assert item["inbox"]["name"] == "WhatsApp" and item["inbox"]["channel_type"] == "whatsapp"
    assert item["assignee"] is None and item["team"] is None
    assert item["unread_count"] == 0 and item["last_message"] is None
    for field in ("additional_attributes", "last_message_at", "created_at", "updated_at"):
        assert field in item


def test_inbox_with_ai_starts_snoozed(api, world):
    inbox = cw.make_inbox(world["pid"], "IA", ai=True)
    from niochat.conversations import service

    assert service.create(world["pid"], world["contact"]["id"], inbox["id"])["status"] == "snoozed"


def test_one_active_conversation_per_contact_and_inbox(api, world, tokens):
    first = cw.new_conversation(world)
    response = api.post(
        "/api/conversations/", {"contact": world["contact"]["id"], "inbox": world["inbox"]["id"]}, token=tokens["admin"]
    )
    assert response.status == 409
    assert str(first["id"]) in response.json["message"]


# (start status, action, body, expected status or 409)
TRANSITIONS = [
    ("pending", "assign", {}, "open"),
    ("pending", "transfer", "agent2", "open"),
    ("pending", "transfer_to_team", "team", "pending"),
    ("pending", "close", {}, "closed"),
    ("pending", "reopen", {}, 409),
    ("open", "close", {"resolution_notes": "resolvido"}, "closed"),
    ("open", "transfer_to_team", "team", "pending"),
    ("open", "reopen", {}, 409),
    ("closed", "reopen", {}, "open"),
    ("closed", "assign", {}, 409),
    ("closed", "transfer", "agent2", 409),
    ("closed", "transfer_to_team", "team", 409),
    ("closed", "close", {}, 409),
    ("snoozed", "assign", {}, "open"),
    ("snoozed", "close", {}, "closed"),
]


def _bring_to(api, tokens, world, conversation_id, status):
    if status == "open":
        assert (
            act(api, tokens["admin"], conversation_id, "assign", {"user_id": world["people"]["agent1"]["id"]}).status
            == 200
        )
    elif status == "closed":
        assert act(api, tokens["admin"], conversation_id, "close").status == 200
    elif status == "snoozed":
        response = api.call(
            "PATCH", f"/api/conversations/{conversation_id}/", {"status": "snoozed"}, token=tokens["admin"]
        )
        assert response.status == 200, response.json


@pytest.mark.parametrize(("start", "action", "body", "expected"), TRANSITIONS)
def test_state_machine(api, world, tokens, start, action, body, expected):
    conversation = cw.new_conversation(world)
    cid = conversation["id"]
    _bring_to(api, tokens, world, cid, start)
    assert status_of(api, tokens["admin"], cid) == start
    if body == "agent2":
        body = {"user_id": world["people"]["agent2"]["id"]}
    elif body == "team":
        body = {"team_id": world["team"]["id"], "team_name": "Suporte"}
    response = act(api, tokens["admin"], cid, action, body)
    if expected == 409:
        assert response.status == 409, response.json
        assert response.json["error"] == "Conflict"
        assert status_of(api, tokens["admin"], cid) == start
    else:
        assert response.status == 200, response.json
        assert response.json["success"] is True
        assert response.json["conversation"]["status"] == expected
        assert status_of(api, tokens["admin"], cid) == expected


def test_assign_defaults_to_the_caller_and_answers_like_the_seed(api, world, tokens):
    cid = cw.new_conversation(world)["id"]
    response = act(api, tokens["agent1"], cid, "assign")  # agent1 sees it? no: unassigned, no team → 404
    assert response.status == 404
    response = act(api, tokens["admin"], cid, "assign")
    assert response.status == 200
    assert response.json["message"] == "Conversa atribuída para Ana"
    assignee = response.json["conversation"]["assignee"]
    assert assignee == {"id": world["people"]["admin"]["id"], "username": "admin_a", "first_name": "Ana"}


def test_transfer_to_team_clears_the_assignee(api, world, tokens):
    cid = cw.new_conversation(world)["id"]
    _bring_to(api, tokens, world, cid, "open")
    response = act(api, tokens["agent1"], cid, "transfer_to_team", {"team_id": world["team"]["id"], "team_name": "X"})
    assert response.status == 200, response.json
    assert response.json["message"] == "Conversa transferida para equipe SUPORTE"
    conversation = response.json["conversation"]
    assert conversation["assignee"] is None
    assert conversation["team"] == {"id": world["team"]["id"], "name": "Suporte"}
    assert conversation["status"] == "pending"


def test_assign_to_a_user_of_another_provedor_or_inactive_is_400(api, world, tokens):
    other = cw.build("b")
    cid = cw.new_conversation(world)["id"]
    response = act(api, tokens["admin"], cid, "assign", {"user_id": other["people"]["agent1"]["id"]})
    assert response.status == 400
    assert response.json["details"]["field"] == "user_id"
    assert act(api, tokens["admin"], cid, "transfer_to_team", {"team_id": 999}).status == 400


def test_visibility_and_permissions(api, world, tokens):
    cid = cw.new_conversation(world)["id"]

    def sees(name):
        ids = [c["id"] for c in api.get("/api/conversations/", token=tokens[name]).json["results"]]
        detail = api.get(f"/api/conversations/{cid}/", token=tokens[name]).status
        assert (cid in ids) == (detail == 200), name
        return cid in ids

    # unassigned, no team: only the admin
    assert [sees(n) for n in ("admin", "agent1", "agent2", "agent3")] == [True, False, False, False]
    # in the team, unassigned: admin + team members with view_team_unassigned
    assert act(api, tokens["admin"], cid, "transfer_to_team", {"team_id": world["team"]["id"]}).status == 200
    assert [sees(n) for n in ("admin", "agent1", "agent2", "agent3")] == [True, True, False, False]
    # agent1 takes it; agent2 is in the team but may not see it; agent3 gets 404 for any action
    assert act(api, tokens["agent1"], cid, "assign").status == 200
    assert [sees(n) for n in ("admin", "agent1", "agent2", "agent3")] == [True, True, False, False]
    assert act(api, tokens["agent3"], cid, "close").status == 404
    # agent2 (team member, can't see) also gets 404; the assignee may close
    assert act(api, tokens["agent2"], cid, "close").status == 404
    # snoozed: agents with view_ai_conversations see it
    cid2 = cw.new_conversation(world, "11999990002")["id"]
    api.call("PATCH", f"/api/conversations/{cid2}/", {"status": "snoozed"}, token=tokens["admin"])
    ids = [c["id"] for c in api.get("/api/conversations/", token=tokens["agent1"]).json["results"]]
    assert cid2 in ids
    assert cid2 not in [c["id"] for c in api.get("/api/conversations/", token=tokens["agent3"]).json["results"]]
    # agent1 can see it but neither is its assignee nor in its team: 403 for closing, but may take it
    assert act(api, tokens["agent1"], cid2, "close").status == 403
    assert act(api, tokens["agent1"], cid2, "assign").status == 200
    assert act(api, tokens["agent1"], cid, "close").status == 200


def test_agent_without_can_handle_transfers_cannot_transfer(api, world, tokens):
    cid = cw.new_conversation(world)["id"]
    assert act(api, tokens["admin"], cid, "assign", {"user_id": world["people"]["agent2"]["id"]}).status == 200
    response = act(api, tokens["agent2"], cid, "transfer", {"user_id": world["people"]["agent1"]["id"]})
    assert response.status == 403
    assert act(api, tokens["agent2"], cid, "close").status == 200


def test_ten_agents_assigning_at_once_one_wins(api, world, tokens):
    from niochat.directory.users import create_user
    from niochat.domain.users import UserType

    agents = [
        create_user(username=f"racer{n}", password=cw.PASSWORD, user_type=UserType.AGENT, provedor_id=world["pid"],
                    first_name=f"R{n}")
        for n in range(10)
    ]  # fmt: skip
    cid = cw.new_conversation(world)["id"]
    # load the function before the threads race (a module half-imported by one thread has no handler yet)
    assert api.get(f"/api/conversations/{cid}/", token=tokens["admin"]).status == 200
    results: list[int] = []
    barrier = threading.Barrier(10)

    def assign(user_id):
        barrier.wait()
        results.append(act(api, tokens["admin"], cid, "assign", {"user_id": user_id}).status)

    threads = [threading.Thread(target=assign, args=(a["id"],)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200] + [409] * 9
    stored = api.get(f"/api/conversations/{cid}/", token=tokens["admin"]).json["assignee"]["id"]
    assert stored in [a["id"] for a in agents]
    audit = api.get("/api/audit-logs/", token=tokens["admin"], query={"action": "conversation_assigned"}).json
    assert audit["count"] == 1
    assert audit["results"][0]["details"]["assignee_id"] == stored


def _recount(api, token):
    """Every conversation read through the API (status=all), counted by status and by assignee."""
    by_status: dict[str, int] = {}
    by_assignee: dict[str, int] = {}
    url_query = {"status": "all", "page_size": "100"}
    page = api.get("/api/conversations/", token=token, query=url_query).json
    for c in page["results"]:
        by_status[c["status"]] = by_status.get(c["status"], 0) + 1
        who = str(c["assignee"]["id"]) if c["assignee"] else "none"
        by_assignee[f"{who}_{c['status']}"] = by_assignee.get(f"{who}_{c['status']}", 0) + 1
    return by_status, by_assignee, page["count"]


def test_counters_equal_a_recount_after_a_sequence_of_actions(api, world, tokens):
    people = world["people"]
    ids = [cw.new_conversation(world, f"1197777{n:04d}", f"C{n}")["id"] for n in range(6)]
    steps = [
        (ids[0], "assign", {"user_id": people["agent1"]["id"]}),
        (ids[1], "assign", {"user_id": people["agent2"]["id"]}),
        (ids[1], "transfer", {"user_id": people["agent3"]["id"]}),
        (ids[2], "transfer_to_team", {"team_id": world["team"]["id"]}),
        (ids[3], "close", {}),
        (ids[0], "close", {}),
        (ids[0], "reopen", {}),
        (ids[4], "assign", {}),
        (ids[4], "assign", {}),  # refused: already assigned
        (ids[3], "close", {}),  # refused: already closed
    ]
    for cid, action, body in steps:
        act(api, tokens["admin"], cid, action, body)
    api.call("PATCH", f"/api/conversations/{ids[5]}/", {"status": "snoozed"}, token=tokens["admin"])
    by_status, by_assignee, total = _recount(api, tokens["admin"])
    c = counters.read(world["pid"])
    assert total == 6 == c["conversation"]
    for status in ("open", "pending", "snoozed", "closed"):
        assert c.get(f"cv_{status}", 0) == by_status.get(status, 0), status
    for key, value in by_assignee.items():
        assert c.get(f"cv_a_{key}", 0) == value, key
    assert sum(v for k, v in c.items() if k.startswith("cv_a_")) == 6
    default = api.get("/api/conversations/", token=tokens["admin"]).json
    assert default["count"] == 6 - by_status.get("closed", 0) == len(default["results"])


def test_every_action_adds_an_activity_message_and_an_audit_entry(api, world, tokens):
    from niochat.store import messages
    from niochat.store.table import table

    cid = cw.new_conversation(world)["id"]
    act(api, tokens["admin"], cid, "assign", {"user_id": world["people"]["agent1"]["id"]})
    act(api, tokens["admin"], cid, "close", {"resolution_notes": "ok"})
    items = table().query_all(messages.pk(world["pid"], cid))
    assert [m["message_type"] for m in items] == ["activity", "activity"]
    assert items[0]["content"] == "Conversa atribuída para Agente1 por Ana"
    audit = api.get("/api/audit-logs/", token=tokens["admin"]).json
    assert [e["action"] for e in audit["results"]] == [
        "conversation_closed_agent", "conversation_assigned", "conversation_created",
    ]  # fmt: skip
    assert audit["results"][0]["user"] == {"id": world["people"]["admin"]["id"], "username": "admin_a"}
    assert api.get("/api/audit-logs/", token=tokens["agent1"]).status == 403
    by_user = api.get("/api/audit-logs/", token=tokens["admin"], query={"user_id": str(world["people"]["admin"]["id"])})
    assert by_user.json["count"] == 2


def test_list_filters_and_pages(api, world, tokens):
    people = world["people"]
    ids = [cw.new_conversation(world, f"1199998{n:04d}", f"Pessoa {n}")["id"] for n in range(5)]
    act(api, tokens["admin"], ids[0], "assign", {"user_id": people["agent1"]["id"]})
    act(api, tokens["admin"], ids[1], "transfer_to_team", {"team_id": world["team"]["id"]})
    act(api, tokens["admin"], ids[2], "close")

    def listed(**query):
        body = api.get("/api/conversations/", token=tokens["admin"], query={k: str(v) for k, v in query.items()}).json
        return [c["id"] for c in body["results"]], body["count"]

    assert listed()[1] == 4
    assert listed(status="closed") == ([ids[2]], 1)
    assert listed(status="all")[1] == 5
    assert listed(assignee=people["agent1"]["id"]) == ([ids[0]], 1)
    assert listed(assignee="none")[1] == 3
    assert listed(team=world["team"]["id"]) == ([ids[1]], 1)
    assert listed(inbox=world["inbox"]["id"])[1] == 4
    assert listed(search="pessoa 3") == ([ids[3]], 1)
    # newest activity first, and pages that follow next links
    first = api.get("/api/conversations/", token=tokens["admin"], query={"page_size": "2", "status": "all"}).json
    assert first["results"][0]["id"] == ids[2]  # the last one acted on
    assert first["next"] and first["count"] == 5
    from urllib.parse import parse_qs, urlparse

    seen = [c["id"] for c in first["results"]]
    page = first
    while page["next"]:
        query = {k: v[0] for k, v in parse_qs(urlparse(page["next"]).query).items()}
        page = api.get("/api/conversations/", token=tokens["admin"], query=query).json
        seen += [c["id"] for c in page["results"]]
    assert sorted(seen) == sorted(ids)
    third = api.get(
        "/api/conversations/", token=tokens["admin"], query={"page_size": "2", "status": "all", "page": "3"}
    )
    assert [c["id"] for c in third.json["results"]] == seen[4:]


def test_bad_query_and_body_are_400(api, world, tokens):
    assert api.get("/api/conversations/", token=tokens["admin"], query={"status": "x"}).status == 400
    assert api.get("/api/conversations/", token=tokens["admin"], query={"assignee": "x"}).status == 400
    cid = cw.new_conversation(world)["id"]
    assert act(api, tokens["admin"], cid, "assign", {"user_id": "abc"}).status == 400
    assert act(api, tokens["admin"], cid, "transfer", {}).status == 400
    assert act(api, tokens["admin"], cid, "frobnicate").status == 404
    assert api.get("/api/conversations/abc/", token=tokens["admin"]).status == 404


def test_reopen_is_409_while_another_conversation_of_the_contact_is_active(api, world, tokens):
    first = cw.new_conversation(world)["id"]
    assert act(api, tokens["admin"], first, "close").status == 200
    second = cw.new_conversation(world)["id"]
    response = act(api, tokens["admin"], first, "reopen")
    assert response.status == 409
    assert act(api, tokens["admin"], second, "close").status == 200
    assert act(api, tokens["admin"], first, "reopen").status == 200


def test_the_active_conversation_follows_a_phone_change(api, world, tokens):
    from niochat.conversations.service import active_conversation_id

    cid = cw.new_conversation(world)["id"]
    contact_url = f"/api/contacts/{world['contact']['id']}/"
    assert api.call("PATCH", contact_url, {"phone": "21988887777"}, token=tokens["admin"]).status == 200
    assert active_conversation_id(world["pid"], "+5521988887777", world["inbox"]["id"]) == cid
    assert active_conversation_id(world["pid"], "+5511999990001", world["inbox"]["id"]) is None
    assert act(api, tokens["admin"], cid, "close").status == 200
    assert active_conversation_id(world["pid"], "+5521988887777", world["inbox"]["id"]) is None
