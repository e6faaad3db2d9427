"""Realtime on moto: real stream records through the ws function's lambda_handler, a fake management API,
connections opened with `$connect`; the event log and `GET /api/events/`."""

from __future__ import annotations

from tests.integration import conversation_world as cw
from tests.integration.realtime.conftest import PEOPLE
from tests.integration.realtime.kit import assign, customer_message, to_team, types


def test_a_customer_message_reaches_admins_and_agents_who_see_it_only(world, live):
    a = world["a"]
    conversation = cw.new_conversation(a)  # pending, unassigned, no team
    to_team(a, conversation)
    live.drain()
    world["api"].clear()

    message = customer_message(a, conversation["id"])
    responses = live.drain()

    assert all(r == {"batchItemFailures": []} for r in responses)
    api = world["api"]
    (event,) = api.received("admin_a", "chat_message")
    assert event["data"]["conversation_id"] == conversation["id"]
    assert event["data"]["message"]["id"] == message["id"]
    assert event["data"]["message"]["content"] == "Oi, minha internet caiu"
    assert event["data"]["message"]["sender"] == "customer"
    assert isinstance(event["id"], str) and isinstance(event["seq"], int)
    # agent1: in the team, may see its unassigned conversations; agent2: in the team, without the permission
    assert api.received("agent1_a", "chat_message") == [event]
    assert api.received("agent2_a", "chat_message") == [] and api.received("agent3_a", "chat_message") == []
    # Everyone's dashboard: today's count of received messages moved.
    (metrics,) = api.received("agent3_a", "dashboard_metrics")
    assert metrics["data"]["today"]["messages_received"] == 1
    for name in PEOPLE:
        assert api.received(f"{name}_b") == []


def test_an_assignment_updates_the_conversation_and_the_dashboard_for_whom_may_see_it(api, world, tokens, live):
    a = world["a"]
    conversation = cw.new_conversation(a)
    live.drain()
    world["api"].clear()
    agent3 = a["people"]["agent3"]["id"]

    assign(api, tokens["admin_a"], conversation["id"], agent3)
    assert live.drain()[0] == {"batchItemFailures": []}

    fake = world["api"]
    assert types(fake.received("admin_a")) == ["audit_log", "chat_message", "conversation_updated", "dashboard_metrics"]
    assert types(fake.received("agent3_a")) == ["chat_message", "conversation_updated", "dashboard_metrics"]
    for other in ("agent1_a", "agent2_a"):  # the conversation has no team: they never saw it
        assert types(fake.received(other)) == ["dashboard_metrics"]
    for name in PEOPLE:
        assert fake.received(f"{name}_b") == []

    (updated,) = fake.received("agent3_a", "conversation_updated")
    shown = updated["data"]["conversation"]
    assert shown["id"] == conversation["id"] and shown["status"] == "open"
    assert shown["assignee"]["id"] == agent3 and shown["contact"]["name"] == "João Silva"
    assert shown["inbox"]["name"] == "WhatsApp" and "unread_count" not in shown

    (metrics,) = fake.received("admin_a", "dashboard_metrics")
    totals = {"total_conversations": 1, "open_conversations": 1, "pending_conversations": 0}
    totals.update(snoozed_conversations=0, closed_conversations=0)
    one_open = {"open": 1, "pending": 0, "snoozed": 0, "closed": 0}
    today = metrics["data"]["today"]
    assert today["conversations_created"] == 1 and today["messages_received"] == 0
    assert metrics["data"] == {**totals, "by_assignee": {str(agent3): one_open}, "today": today}
    assert fake.received("agent3_a", "dashboard_metrics")[0]["data"] == {**totals, "mine": one_open, "today": today}
    nothing = dict.fromkeys(("open", "pending", "snoozed", "closed"), 0)
    assert fake.received("agent1_a", "dashboard_metrics")[0]["data"]["mine"] == nothing
    (audit,) = fake.received("admin_a", "audit_log")
    assert audit["data"]["action"] == "conversation_assigned"
    assert audit["data"]["details"]["assignee_id"] == agent3
    assert audit["data"]["user"]["username"] == "admin_a" and audit["data"]["timestamp"]


def test_an_agent_who_loses_sight_of_a_conversation_is_told_once_then_nothing(api, world, tokens, live):
    a = world["a"]
    conversation = cw.new_conversation(a)
    assign(api, tokens["admin_a"], conversation["id"], a["people"]["agent1"]["id"])
    live.drain()
    world["api"].clear()

    body = {"user_id": a["people"]["agent3"]["id"]}
    assert api.post(f"/api/conversations/{conversation['id']}/transfer/", body, token=tokens["agent1_a"]).status == 200
    customer_message(a, conversation["id"])
    live.drain()

    fake = world["api"]
    (updated,) = fake.received("agent1_a", "conversation_updated")
    assert updated["data"]["conversation"]["assignee"]["id"] == a["people"]["agent3"]["id"]
    assert fake.received("agent1_a", "chat_message") == []
    assert len(fake.received("agent3_a", "chat_message")) == 2  # the activity message and the customer's


def test_seqs_grow_per_provedor_without_gaps_and_ids_are_unique(api, world, tokens, live):
    for tag in ("a", "b"):
        conversation = cw.new_conversation(world[tag])
        assign(api, tokens[f"admin_{tag}"], conversation["id"], world[tag]["people"]["agent3"]["id"])
    live.drain()
    for tag in ("a", "b"):
        seen = world["api"].received(f"admin_{tag}")
        seqs = [e["seq"] for e in seen]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # admins see every event of their provedor
        assert len({e["id"] for e in seen}) == len(seen)


def test_catching_up_returns_exactly_what_each_person_received_live(api, world, tokens, live):
    a = world["a"]
    first = cw.new_conversation(a)
    second = cw.new_conversation(a, phone="11999990002", name="Maria")
    to_team(a, second)
    assign(api, tokens["admin_a"], first["id"], a["people"]["agent3"]["id"])
    customer_message(a, first["id"])
    customer_message(a, second["id"], "Alguém aí?")
    assert api.post(f"/api/conversations/{first['id']}/close/", {}, token=tokens["agent3_a"]).status == 200
    live.drain()

    for tag in ("a", "b"):
        for name in PEOPLE:
            person = f"{name}_{tag}"
            after = str(live.start[tag])
            page = api.get("/api/events/", token=tokens[person], query={"after": after, "limit": "500"}).json
            live_events = world["api"].received(person)
            assert page["results"] == live_events, person
            assert page["has_more"] is False and page["reset"] is False
            if tag == "b":
                assert live_events == []
    assert types(world["api"].received("agent1_a", "chat_message")) == ["chat_message", "chat_message"]
