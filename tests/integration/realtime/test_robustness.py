"""Realtime delivery when things go wrong: gone and broken connections, a bad record in a batch, records
delivered twice, frames too large; and connections coming and going."""

from __future__ import annotations

import copy
from unittest import mock

from niochat import clock
from niochat.store import connections
from niochat.store import events as events_store
from niochat.store.writes import Update
from tests.integration import conversation_world as cw
from tests.integration.realtime.conftest import PEOPLE
from tests.integration.realtime.kit import connect, customer_message, disconnect, to_team, types


def test_a_gone_connection_is_deleted_exactly_and_the_others_still_get_the_event(world, live):
    a = world["a"]
    conversation = cw.new_conversation(a)
    to_team(a, conversation)  # agent1 (view_team_unassigned) sees it too
    live.drain()
    fake = world["api"]
    fake.clear()
    fake.gone.add("agent1_a")
    real_now = clock.now
    with mock.patch.object(clock, "now", lambda: real_now() + 60):  # past the connect grace period
        customer_message(a, conversation["id"])
        responses = live.drain()
    assert responses[0] == {"batchItemFailures": []}
    assert connections.of_user(a["people"]["agent1"]["id"]) == []
    remaining = {c["connection_id"] for c in connections.of_provedor(a["pid"])}
    assert remaining == {f"{name}_a" for name in PEOPLE if name != "agent1"}
    assert len(fake.received("admin_a", "chat_message")) == 1


def test_a_connection_still_opening_is_kept_on_410(world, live):
    """API Gateway answers 410 while $connect runs: a connection opened moments ago is not deleted."""
    a = world["a"]
    conversation = cw.new_conversation(a)
    world["api"].gone.add("admin_a")
    customer_message(a, conversation["id"])
    live.drain()
    assert [c["connection_id"] for c in connections.of_user(a["people"]["admin"]["id"])] == ["admin_a"]


def test_a_failing_connection_neither_fails_nor_repeats_the_batch(world, live):
    a = world["a"]
    conversation = cw.new_conversation(a)
    to_team(a, conversation)
    live.drain()
    fake = world["api"]
    fake.clear()
    fake.broken.add("admin_a")
    customer_message(a, conversation["id"])
    assert live.drain()[0] == {"batchItemFailures": []}
    assert fake.received("admin_a") == []
    # posted once, after the failure (and today's counts moved: one more message)
    assert types(fake.received("agent1_a")) == ["chat_message", "dashboard_metrics"]
    assert connections.of_user(a["people"]["admin"]["id"])  # not deleted: it was not a 410


def test_a_bad_record_is_reported_alone_and_the_records_after_it_are_processed(world, live):
    a = world["a"]
    conversation = cw.new_conversation(a)
    live.drain()
    world["api"].clear()
    customer_message(a, conversation["id"], "primeira")
    customer_message(a, conversation["id"], "segunda")
    records = live.read()
    messages = [r for r in records if r["dynamodb"]["NewImage"].get("type", {}).get("S") == "message"]
    bad = messages[0]
    del bad["dynamodb"]["NewImage"]["conversation"]  # a message that names no conversation
    response = live.deliver(records)
    assert response == {"batchItemFailures": [{"itemIdentifier": bad["dynamodb"]["SequenceNumber"]}]}
    received = world["api"].received("admin_a", "chat_message")
    assert [e["data"]["message"]["content"] for e in received] == ["segunda"]


def test_a_record_delivered_again_is_logged_once_and_sent_with_the_same_id_and_seq(world, live):
    a = world["a"]
    conversation = cw.new_conversation(a)
    live.drain()
    records = live.read()
    customer_message(a, conversation["id"])
    records = live.read()
    live.deliver(copy.deepcopy(records))
    first = events_store.read_sequence(a["pid"])
    live.deliver(copy.deepcopy(records))  # e.g. retried from an earlier failed record of the batch
    assert events_store.read_sequence(a["pid"]) == first
    twice = world["api"].received("admin_a", "chat_message")[-2:]
    assert twice[0] == twice[1]


def test_a_message_too_large_for_a_frame_is_sent_as_a_reference(api, world, tokens, live):
    a = world["a"]
    conversation = cw.new_conversation(a)
    live.drain()
    message = customer_message(a, conversation["id"], "x" * 40_000)
    live.drain()
    fake = world["api"]
    (event,) = fake.received("admin_a", "chat_message")
    assert event["data"] == {
        "conversation_id": conversation["id"],
        "message_id": message["id"],
        "truncated": True,
        "url": f"/api/messages/{message['id']}/",
    }
    assert max(fake.sizes) <= 32 * 1024
    page = api.get("/api/events/", token=tokens["admin_a"], query={"after": str(event["seq"] - 1), "limit": "1"}).json
    assert page["results"][0]["data"]["message"]["content"] == "x" * 40_000  # the log keeps it whole


def test_reactions_and_deletions_of_a_message(world, live):
    from niochat.store import messages
    from niochat.store.table import table

    a = world["a"]
    conversation = cw.new_conversation(a)
    message = customer_message(a, conversation["id"])
    live.drain()
    world["api"].clear()
    stored = messages.get(a["pid"], message["id"])
    key = (stored["PK"], stored["SK"])
    reactions = [{"reaction": "👍", "from_me": True}]
    table().write(Update("fixture", *key).set_all({"additional_attributes": {"reactions": reactions}}).when_exists())
    table().write(
        Update("fixture", *key)
        .set_all({"additional_attributes": {"reactions": reactions, "deleted": True}})
        .when_exists()
    )
    live.drain()
    (reaction,) = world["api"].received("admin_a", "message_reaction")
    assert reaction["data"] == {
        "conversation_id": conversation["id"],
        "message_id": message["id"],
        "reaction": "👍",
        "reactions": reactions,
    }
    (deleted,) = world["api"].received("admin_a", "message_deleted")
    assert deleted["data"] == {"conversation_id": conversation["id"], "message_id": message["id"]}
    assert world["api"].received("agent3_a") == []  # may not see the conversation


def test_users_go_online_at_their_first_connection_and_offline_after_their_last(world, tokens, live):
    fake = world["api"]
    agent1 = world["a"]["people"]["agent1"]["id"]
    disconnect("agent1_a")
    live.drain()
    assert [e["data"] for e in fake.received("admin_a", "user_status")] == [{"user_id": agent1, "status": "offline"}]
    fake.clear()
    connect("agent1_a#phone", tokens["agent1_a"])
    connect("agent1_a#laptop", tokens["agent1_a"])
    live.drain()
    assert [e["data"] for e in fake.received("admin_a", "user_status")] == [{"user_id": agent1, "status": "online"}]
    assert fake.received("agent1_a#phone", "user_status") == []  # not told about themselves
    assert fake.received("admin_b") == []
    fake.clear()
    disconnect("agent1_a#phone")
    live.drain()
    assert fake.received("admin_a", "user_status") == []
    disconnect("agent1_a#laptop")
    live.drain()
    assert [e["data"]["status"] for e in fake.received("agent2_a", "user_status")] == ["offline"]


def test_a_connection_remembers_what_the_audience_rules_need(world, live):
    item = connections.of_user(world["a"]["people"]["agent1"]["id"])[0]
    assert item["provedor_id"] == world["a"]["pid"] and item["user_type"] == "agent"
    assert item["permissions"] == ["can_handle_transfers", "view_ai_conversations", "view_team_unassigned"]
    assert item["team_ids"] == [world["a"]["team"]["id"]]
    assert item["expires_at"] - item["connected_at"] == 2 * 60 * 60
