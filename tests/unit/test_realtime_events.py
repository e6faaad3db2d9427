"""Table changes → events, and who receives them (pure: no AWS)."""

from __future__ import annotations

import pytest

from niochat.domain.users import Principal, UserType
from niochat.realtime import audience, events
from niochat.realtime.events import ADMINS, EVERYONE, Audience, Facts

P = 7


def conversation(**fields: object) -> dict:
    base = {"type": "conversation", "provedor_id": P, "id": 3, "status": "pending", "assignee_id": None}
    return {**base, "team_id": None, "contact_id": 1, "inbox_id": 1, **fields}


def message(**fields: object) -> dict:
    base = {"type": "message", "provedor_id": P, "id": 99, "conversation": 3, "content": "oi"}
    return {**base, "message_type": "incoming", "is_from_customer": True, "additional_attributes": {}, **fields}


def member(user_id: int, user_type: str = "agent", permissions: tuple[str, ...] = (), teams: tuple[int, ...] = ()):
    item = {"user_id": user_id, "provedor_id": P, "user_type": user_type, "permissions": list(permissions)}
    return audience.member_of_connection({**item, "team_ids": list(teams), "connection_id": f"c{user_id}"})


def test_a_new_message_is_a_chat_message_whose_audience_waits_for_its_conversation() -> None:
    (draft,) = events.from_change("INSERT", None, message())
    assert draft.type == "chat_message" and draft.provedor_id == P and draft.conversation_id == 3
    assert draft.data["conversation_id"] == 3
    assert draft.data["message"]["id"] == 99 and draft.data["message"]["sender"] == "customer"
    assert draft.audience == Audience(conversation=())  # admins only until the facts are filled in
    filled = events.with_facts(draft, conversation(assignee_id=5, status="open"))
    assert filled.audience == Audience(conversation=(Facts("open", 5, None),))


def test_an_agents_message_keeps_its_sender() -> None:
    sender = {"id": 5, "username": "beto"}
    (draft,) = events.from_change("INSERT", None, message(is_from_customer=False, sender=sender))
    assert draft.data["message"]["sender"] == sender


def test_reactions_and_deletion_of_a_message() -> None:
    old = message()
    reacted = message(additional_attributes={"reactions": [{"reaction": "👍"}]})
    (reaction,) = events.from_change("MODIFY", old, reacted)
    assert reaction.type == "message_reaction"
    assert reaction.data == {
        "conversation_id": 3,
        "message_id": 99,
        "reaction": "👍",
        "reactions": [{"reaction": "👍"}],
    }
    deleted = message(additional_attributes={"reactions": [{"reaction": "👍"}], "deleted": True})
    assert [d.type for d in events.from_change("MODIFY", reacted, deleted)] == ["message_deleted"]
    assert events.from_change("MODIFY", deleted, deleted) == []  # already deleted: nothing new
    assert events.from_change("MODIFY", old, message(status="delivered")) == []


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (None, ["👍"], "👍"),
        (["👍"], ["👍", "❤️"], "❤️"),
        (["👍"], [], ""),
        ({"5511": "👍"}, {"5511": "😂"}, "😂"),
        ({}, {"5511": {"emoji": "🙏"}}, "🙏"),
        ({"5511": "👍"}, {}, ""),
    ],
)
def test_the_reaction_that_changed(before: object, after: object, expected: str) -> None:
    assert events.changed_reaction(before, after) == expected


def test_a_conversation_event_when_created_or_its_status_assignee_or_team_changes() -> None:
    (created,) = events.from_change("INSERT", None, conversation())
    assert created.type == "conversation_updated" and created.conversation["id"] == 3
    assert created.audience == Audience(conversation=(Facts("pending", None, None),))
    (moved,) = events.from_change("MODIFY", conversation(), conversation(status="open", assignee_id=5))
    assert moved.audience.conversation == (Facts("pending", None, None), Facts("open", 5, None))
    assert events.from_change("MODIFY", conversation(), conversation(last_message={"id": 1})) == []


def test_counters_become_dashboard_metrics_only_when_conversation_counts_move() -> None:
    old = {"PK": f"P#{P}", "SK": "COUNTERS", "type": "counters", "cv_pending": 2, "contact": 4}
    new = {**old, "cv_pending": 1, "cv_open": 1, "cv_a_5_open": 1, "cv_a_none_pending": 1, "cv_t_none_U_pending": 1}
    (draft,) = events.from_change("MODIFY", old, new)
    assert draft.type == "dashboard_metrics" and draft.provedor_id == P and draft.audience == EVERYONE
    assert draft.dashboard == new  # the listener completes it with today's counts
    today = {"date": "2026-12-02", "messages_received": 3}
    assert events.dashboard_data(new, today) == {
        "total_conversations": 2,
        "open_conversations": 1,
        "pending_conversations": 1,
        "snoozed_conversations": 0,
        "closed_conversations": 0,
        "by_assignee": {
            "5": {"open": 1, "pending": 0, "snoozed": 0, "closed": 0},
            "none": {"open": 0, "pending": 1, "snoozed": 0, "closed": 0},
        },
        "today": today,
    }
    assert events.from_change("MODIFY", new, {**new, "contact": 5, "audit": 9}) == []
    assert events.from_change("MODIFY", old, {**old, "PK": "PLATFORM"}) == []


def test_an_audit_entry_is_for_admins() -> None:
    entry = {"type": "audit_log", "provedor_id": P, "action": "conversation_closed_agent", "details": {"x": 1}}
    entry.update(user={"id": 1, "username": "ana"}, timestamp="2026-01-01T00:00:00Z")
    (draft,) = events.from_change("INSERT", None, entry)
    assert draft.audience == ADMINS
    assert draft.data == {
        "action": "conversation_closed_agent",
        "details": {"x": 1},
        "user": {"id": 1, "username": "ana"},
        "timestamp": "2026-01-01T00:00:00Z",
    }


@pytest.mark.parametrize("kind", ["event", "event_seq", "event_id", "ws_connection", "token", None])
def test_other_items_make_no_event(kind: str | None) -> None:
    assert events.from_change("INSERT", None, {"type": kind, "provedor_id": P}) == []


def test_the_audience_rules_follow_conversation_visibility() -> None:
    admin = member(1, "admin")
    assignee = member(2)
    team_viewer = member(3, permissions=("view_team_unassigned",), teams=(9,))
    team_member = member(4, teams=(9,))
    ai_viewer = member(5, permissions=("view_ai_conversations",))
    team_unassigned = Audience(conversation=(Facts("pending", None, 9),))
    assigned = Audience(conversation=(Facts("open", 2, 9),))
    snoozed = Audience(conversation=(Facts("snoozed", None, None),))
    who = {
        "team_unassigned": [1, 3],
        "assigned": [1, 2],
        "snoozed": [1, 5],
        "admins": [1],
        "everyone": [1, 2, 3, 4, 5],
        "not_2": [1, 3, 4, 5],
    }
    audiences = {"team_unassigned": team_unassigned, "assigned": assigned, "snoozed": snoozed, "admins": ADMINS}
    audiences.update(everyone=EVERYONE, not_2=Audience(exclude_user=2))
    for name, chosen in audiences.items():
        people = [admin, assignee, team_viewer, team_member, ai_viewer]
        assert [m.user_id for m in people if audience.may_receive(m, chosen)] == who[name], name


def test_dashboard_views_admins_get_everyone_agents_themselves() -> None:
    by = {"5": {"open": 2, "pending": 0, "snoozed": 0, "closed": 1}}
    event = {"type": "dashboard_metrics", "id": "x", "seq": 1, "data": {"total_conversations": 3, "by_assignee": by}}
    assert audience.view(event, member(1, "admin"))["data"] == {"total_conversations": 3, "by_assignee": by}
    assert audience.view(event, member(5))["data"] == {"total_conversations": 3, "mine": by["5"]}
    assert audience.view(event, member(6))["data"]["mine"] == {"open": 0, "pending": 0, "snoozed": 0, "closed": 0}
    other = {"type": "chat_message", "data": {}}
    assert audience.view(other, member(6)) is other


def test_expired_connections_receive_nothing() -> None:
    connections = [
        {"connection_id": "old", "user_id": 1, "user_type": "admin", "expires_at": 100},
        {"connection_id": "new", "user_id": 1, "user_type": "admin", "expires_at": 300},
    ]
    assert [c["connection_id"] for c, _ in audience.recipients(connections, EVERYONE, now=200)] == ["new"]


def test_audiences_survive_the_log() -> None:
    for chosen in (EVERYONE, ADMINS, Audience(conversation=()), Audience(exclude_user=3)):
        assert Audience.from_json(chosen.to_json()) == chosen
    moved = Audience(conversation=(Facts("pending", None, 9), Facts("open", 2, 9)))
    assert Audience.from_json(moved.to_json()) == moved


def test_a_superadmin_connection_is_an_admin() -> None:
    assert member(1, "superadmin").is_admin
    assert Principal(1, None, UserType.SUPERADMIN, "root").is_admin
