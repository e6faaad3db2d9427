"""`GET /api/events/?after=<seq>`: what a client missed, by the same audience rules as live delivery."""

from __future__ import annotations

from types import SimpleNamespace
from unittest import mock

import pytest

from niochat import clock
from niochat.realtime import catchup
from niochat.store import events as events_store
from tests.integration import conversation_world as cw
from tests.integration.conftest import login
from tests.integration.realtime.kit import assign, customer_message, to_team


def events(api, token: str, **query: object):
    response = api.get("/api/events/", token=token, query={k: str(v) for k, v in query.items()})
    assert response.status == 200, response.json
    return response.json


@pytest.fixture
def busy(api, world, tokens, live):
    """Provedor A with 3 conversations: one to the team, one assigned to agent3, one with the AI-less
    default (pending, nobody's); messages in each."""
    a = world["a"]
    team = cw.new_conversation(a)
    to_team(a, team)
    mine = cw.new_conversation(a, phone="11999990002", name="Maria")
    assign(api, tokens["admin_a"], mine["id"], a["people"]["agent3"]["id"])
    nobody = cw.new_conversation(a, phone="11999990003", name="José")
    for conversation in (team, mine, nobody):
        customer_message(a, conversation["id"])
    live.drain()
    return live.start["a"]


def test_pages_of_a_busy_log_add_up_to_everything_after_the_cursor(api, tokens, world, busy):
    everything = events(api, tokens["admin_a"], after=busy, limit=500)
    assert everything["has_more"] is False and everything["reset"] is False
    seqs = [e["seq"] for e in everything["results"]]
    assert seqs == list(range(busy + 1, busy + 1 + len(seqs))) and len(seqs) > 10
    assert everything["last_seq"] == seqs[-1]

    collected, cursor = [], busy
    while True:
        page = events(api, tokens["admin_a"], after=cursor, limit=4)
        collected += page["results"]
        cursor = page["last_seq"]
        if not page["has_more"]:
            break
    assert collected == everything["results"]
    assert events(api, tokens["admin_a"], after=cursor) == {
        "results": [],
        "last_seq": cursor,
        "has_more": False,
        "reset": False,
    }


def test_an_agent_pages_past_events_they_may_not_see(api, tokens, world, busy):
    agent3 = events(api, tokens["agent3_a"], after=busy, limit=2)
    # At most MAX_PAGES pages of 2 are read: fewer than 2 of them may be agent3's, with more to page through.
    assert 1 <= len(agent3["results"]) <= 2 and agent3["has_more"] is True
    assert all(e["type"] != "audit_log" for e in agent3["results"])
    rest = events(api, tokens["agent3_a"], after=agent3["last_seq"], limit=500)
    shown = agent3["results"] + rest["results"]
    assert shown == world["api"].received("agent3_a")
    assert rest["last_seq"] == events_store.read_sequence(world["a"]["pid"])


def test_without_a_cursor_the_answer_is_where_to_start(api, tokens, world, busy):
    current = events_store.read_sequence(world["a"]["pid"])
    assert events(api, tokens["agent2_a"]) == {"results": [], "last_seq": current, "has_more": False, "reset": False}


def test_a_cursor_the_log_no_longer_covers_asks_for_a_reload(api, tokens, world, busy):
    current = events_store.read_sequence(world["a"]["pid"])
    ahead = events(api, tokens["admin_a"], after=current + 50)
    assert ahead["reset"] is True and ahead["last_seq"] == current and ahead["results"] == []
    later = SimpleNamespace(now=lambda: clock.now() + 49 * 3600)  # past the 48 h retention (the token is not)
    with mock.patch.object(catchup, "clock", later):
        expired = events(api, tokens["admin_a"], after=busy)
    assert expired["reset"] is True and expired["results"] == []


def test_another_provedors_events_are_never_returned(api, tokens, world, busy):
    for person in ("admin_b", "agent1_b"):
        page = events(api, tokens[person], after=0, limit=500)
        assert all("Maria" not in str(e) and "João" not in str(e) for e in page["results"])
        assert {e["type"] for e in page["results"]} <= {"user_status"}  # B's own connections only
    # naming A's provedor changes nothing for B's admin
    assert events(api, tokens["admin_b"], after=0, provedor=world["a"]["pid"]) == events(
        api, tokens["admin_b"], after=0
    )


def test_a_superadmin_names_the_provedor(api, world, busy):
    from niochat.directory.users import create_user
    from niochat.domain.users import UserType

    create_user(username="root", password=cw.PASSWORD, user_type=UserType.SUPERADMIN, provedor_id=None)
    token = login(api, "root", cw.PASSWORD)
    assert api.get("/api/events/", token=token, query={"after": "0"}).status == 400
    page = events(api, token, after=busy, limit=500, provedor=world["a"]["pid"])
    assert page["results"] == world["api"].received("admin_a")


@pytest.mark.parametrize("query", [{"after": "-1"}, {"limit": "501"}, {"limit": "0"}, {"after": "x"}])
def test_bad_parameters_are_400(api, world, tokens, query):
    response = api.get("/api/events/", token=tokens["admin_a"], query=query)
    assert response.status == 400 and response.json["error"] == "ValidationError"


def test_events_need_a_token(api, world):
    assert api.get("/api/events/", query={"after": "0"}).status == 401
