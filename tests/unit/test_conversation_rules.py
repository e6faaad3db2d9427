"""The conversation rules as tables (pure, no moto): every action from every status, who may see a
conversation in every role × permission × assignment × team × status case, who may act, and the counters a
change moves. The expectations are written out here, not read from domain/conversations.py."""

from __future__ import annotations

import itertools

import pytest

from niochat.domain.conversations import (
    Action,
    Status,
    TransitionRefused,
    Viewer,
    can_act,
    can_see,
    next_status,
)
from niochat.domain.users import Principal, UserType
from niochat.store.conversations import counter_amounts

OPEN, PENDING, SNOOZED, CLOSED = Status.OPEN, Status.PENDING, Status.SNOOZED, Status.CLOSED
ACTIVE = (OPEN, PENDING, SNOOZED)
# action → {status it starts from → status it ends in}; a status missing is a refusal.
TRANSITIONS = {
    Action.ASSIGN: {s: OPEN for s in ACTIVE},
    Action.TRANSFER: {s: OPEN for s in ACTIVE},
    Action.TRANSFER_TO_TEAM: {s: PENDING for s in ACTIVE},
    Action.CLOSE: {s: CLOSED for s in ACTIVE},
    Action.REOPEN: {CLOSED: OPEN},
}


@pytest.mark.parametrize(("action", "current"), list(itertools.product(TRANSITIONS, Status)))
def test_every_action_from_every_status(action, current):
    expected = TRANSITIONS[action].get(current)
    if expected is None:
        with pytest.raises(TransitionRefused):
            next_status(action, current)
    else:
        assert next_status(action, current) == expected


@pytest.mark.parametrize(("current", "requested"), list(itertools.product(Status, Status)))
def test_setting_a_status_moves_only_between_active_ones(current, requested):
    if current in ACTIVE and requested in ACTIVE:
        assert next_status(Action.SET_STATUS, current, requested) == requested
    else:
        with pytest.raises(TransitionRefused):
            next_status(Action.SET_STATUS, current, requested)


ME, OTHER, MY_TEAM, OTHER_TEAM = 10, 11, 1, 2
PERMISSIONS = ("view_ai_conversations", "view_team_unassigned", "can_handle_transfers")


def _viewer(user_type: UserType, permissions: tuple[str, ...] = ()) -> Viewer:
    principal = Principal(user_id=ME, provedor_id=1, user_type=user_type, username="eu",
                          permissions=frozenset(permissions))  # fmt: skip
    return Viewer(principal, frozenset({MY_TEAM}))


def _permission_sets() -> list[tuple[str, ...]]:
    return [combo for n in range(len(PERMISSIONS) + 1) for combo in itertools.combinations(PERMISSIONS, n)]


CASES = list(itertools.product(_permission_sets(), Status, (None, ME, OTHER), (None, MY_TEAM, OTHER_TEAM)))


def _agent_may_see(permissions, status, assignee, team) -> bool:
    if assignee == ME:
        return True
    if status == SNOOZED and "view_ai_conversations" in permissions:
        return True
    return assignee is None and team == MY_TEAM and status != CLOSED and "view_team_unassigned" in permissions


@pytest.mark.parametrize(("permissions", "status", "assignee", "team"), CASES)
def test_who_sees_a_conversation(permissions, status, assignee, team):
    assert can_see(_viewer(UserType.ADMIN, permissions), status, assignee, team) is True
    assert can_see(_viewer(UserType.SUPERADMIN), status, assignee, team) is True
    expected = _agent_may_see(permissions, status, assignee, team)
    assert can_see(_viewer(UserType.AGENT, permissions), status, assignee, team) is expected


def _agent_may_act(action, permissions, assignee, team, takes_it) -> bool:
    if takes_it and action is Action.ASSIGN and assignee is None:
        return True
    involved = assignee == ME or team == MY_TEAM
    needs = "can_handle_transfers" if action in (Action.TRANSFER, Action.TRANSFER_TO_TEAM) else None
    return involved and (needs is None or needs in permissions)


@pytest.mark.parametrize("action", list(Action))
def test_who_acts_on_a_conversation(action):
    for permissions, _, assignee, team in CASES:
        for takes_it in (False, True):
            assert can_act(_viewer(UserType.ADMIN), action, assignee, team, takes_it) is True
            expected = _agent_may_act(action, permissions, assignee, team, takes_it)
            got = can_act(_viewer(UserType.AGENT, permissions), action, assignee, team, takes_it)
            assert got is expected, (action, permissions, assignee, team, takes_it)


def _conversation(status: Status, assignee: int | None, team: int | None, inbox: int = 3) -> dict:
    return {"id": 5, "status": str(status), "assignee_id": assignee, "team_id": team, "inbox_id": inbox}


STATES = list(itertools.product(Status, (None, ME), (None, MY_TEAM)))


def test_a_new_conversation_adds_one_to_each_of_its_counters():
    for status, assignee, team in STATES:
        amounts = counter_amounts(None, _conversation(status, assignee, team))
        assert amounts["conversation"] == 1 and amounts[f"cv_{status}"] == 1
        assert set(amounts.values()) == {1} and len(amounts) == 5  # status, assignee, team, inbox + the total


@pytest.mark.parametrize(("before", "after"), list(itertools.product(STATES, STATES)))
def test_a_change_moves_counters_without_creating_or_losing_any(before, after):
    amounts = counter_amounts(_conversation(*before), _conversation(*after))
    assert "conversation" not in amounts
    assert sum(amounts.values()) == 0
    status_moves = {k: v for k, v in amounts.items() if k.startswith("cv_") and k.count("_") == 1}
    if before[0] != after[0]:
        assert status_moves == {f"cv_{before[0]}": -1, f"cv_{after[0]}": 1}
    else:
        assert status_moves == {}
    if before == after:
        assert amounts == {}
