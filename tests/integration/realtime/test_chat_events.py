"""Team chat live: a room message reaches the room's participants only (never another user of the provedor,
admins included, never provedor B), with each connected participant's new unread counts; edits and reactions
follow; a private message reaches the two colleagues, and its reading tells the sender; `/api/events/` replays
them for the same people only."""

from __future__ import annotations

import pytest

from tests.integration.realtime.conftest import PEOPLE
from tests.integration.realtime.kit import types


def _room(api, token, *members):
    body = {"name": "Plantão", "room_type": "private", "participants": [m["id"] for m in members]}
    response = api.post("/api/internal-chat/rooms/", body, token=token)
    assert response.status == 201, response.json
    return response.json


@pytest.fixture
def room(api, world, tokens, live):
    """A private room of agent1 and agent2 of provedor A, the events of its creation delivered and forgotten."""
    created = _room(api, tokens["agent1_a"], world["a"]["people"]["agent2"])
    live.drain()
    world["api"].clear()
    return created


def test_a_room_message_reaches_its_participants_only_with_their_unread_counts(api, world, tokens, live, room):
    people = world["a"]["people"]
    fake = world["api"]

    posted = api.post("/api/internal-chat/messages/", {"room": room["id"], "content": "Alguém cobre o turno?"},
                      token=tokens["agent1_a"])  # fmt: skip
    assert posted.status == 201
    assert all(r == {"batchItemFailures": []} for r in live.drain())
    (event,) = fake.received("agent2_a", "internal_chat_message")
    assert event["data"]["room_id"] == room["id"] and event["data"]["message"]["content"] == "Alguém cobre o turno?"
    (counts,) = fake.received("agent2_a", "unread_count_update")
    assert counts["data"] == {"total_unread": 1, "unread_by_user": {str(people["agent1"]["id"]): 1}, "private": {}}
    assert fake.received("agent1_a", "internal_chat_message") == [event]  # the poster's other tabs
    for outsider in ("admin_a", "agent3_a", *(f"{name}_b" for name in PEOPLE)):
        assert [e for e in fake.received(outsider) if e["type"].startswith(("internal_chat", "unread"))] == []

    fake.clear()
    message_id = posted.json["id"]
    api.call("PATCH", f"/api/internal-chat/messages/{message_id}/", {"content": "Quem cobre o turno?"},
             token=tokens["agent1_a"])  # fmt: skip
    api.post(f"/api/internal-chat/messages/{message_id}/react/", {"emoji": "🙋"}, token=tokens["agent2_a"])
    live.drain()
    assert types(fake.received("agent1_a")) == ["internal_chat_message_updated", "internal_chat_reaction"]
    (reaction,) = fake.received("agent1_a", "internal_chat_reaction")
    assert reaction["data"]["reactions"] == [{"emoji": "🙋", "users": [people["agent2"]["id"]]}]

    fake.clear()
    api.post("/api/internal-chat/messages/mark_read/", {"room": room["id"]}, token=tokens["agent2_a"])
    live.drain()
    (counts,) = fake.received("agent2_a", "unread_count_update")
    assert counts["data"]["total_unread"] == 0
    # The log replays the room's events to its participants only.
    replay = api.get("/api/events/", token=tokens["agent3_a"], query={"after": str(live.start["a"])}).json
    assert not [e for e in replay["results"] if e["type"].startswith(("internal_chat", "unread"))]
    mine = api.get("/api/events/", token=tokens["agent2_a"], query={"after": str(live.start["a"])}).json
    assert "internal_chat_message" in types(mine["results"])


def test_a_private_message_and_its_reading_reach_the_two_colleagues(api, world, tokens, live):
    people = world["a"]["people"]
    fake = world["api"]
    sent = api.post("/api/private-messages/", {"recipient": people["agent3"]["id"], "content": "Oi"},
                    token=tokens["agent1_a"])  # fmt: skip
    assert sent.status == 201
    live.drain()
    (event,) = fake.received("agent3_a", "private_message")
    assert event["data"]["message"]["content"] == "Oi" and event["data"]["sender"]["id"] == people["agent1"]["id"]
    (counts,) = fake.received("agent3_a", "unread_count_update")
    assert counts["data"]["private"] == {str(people["agent1"]["id"]): 1}
    assert fake.received("admin_a", "private_message") == [] and fake.received("agent2_a", "private_message") == []

    fake.clear()
    api.post("/api/private-messages/mark_read/", {"user": people["agent1"]["id"]}, token=tokens["agent3_a"])
    live.drain()
    (read,) = fake.received("agent1_a", "private_message_read")
    assert read["data"] == {"reader": people["agent3"]["id"], "user": people["agent1"]["id"]}
    (counts,) = fake.received("agent3_a", "unread_count_update")
    assert counts["data"]["private"] == {}
    assert fake.received("agent2_a") == []


def test_a_burst_of_posts_tells_each_participant_their_counts_once_per_batch(api, world, tokens, live, room):
    fake = world["api"]
    for n in range(3):
        body = {"room": room["id"], "content": f"mensagem {n}"}
        assert api.post("/api/internal-chat/messages/", body, token=tokens["agent1_a"]).status == 201
    live.drain()
    assert len(fake.received("agent2_a", "internal_chat_message")) == 3
    (counts,) = fake.received("agent2_a", "unread_count_update")  # read after the whole batch was written
    assert counts["data"]["total_unread"] == 3
