"""Conversations: the stored item and its constructor, statuses, the state machine of actions, and who may
see or act on one.

docs/conversations.md is the human-readable version of this module.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple, NotRequired, TypedDict

from niochat.domain.messages import LastMessage
from niochat.domain.teams import Team
from niochat.domain.users import Principal, User, UserRef


class Status(StrEnum):
    OPEN = "open"  # an agent is on it
    PENDING = "pending"  # waiting for an agent (e.g. transferred to a team)
    SNOOZED = "snoozed"  # the AI is handling it
    CLOSED = "closed"


ACTIVE: tuple[Status, ...] = (Status.OPEN, Status.PENDING, Status.SNOOZED)
ALL: tuple[Status, ...] = (*ACTIVE, Status.CLOSED)


class Action(StrEnum):
    ASSIGN = "assign"
    TRANSFER = "transfer"
    TRANSFER_TO_TEAM = "transfer_to_team"
    CLOSE = "close"
    REOPEN = "reopen"
    SET_STATUS = "set_status"  # PATCH {"status": ...} between active statuses


class Rule(NamedTuple):
    allowed_from: tuple[Status, ...]
    # Status after the action; None: the one asked for (SET_STATUS).
    to: Status | None
    # Agents need this permission on top of being the assignee or a team member (admins never do).
    permission: str | None = None


RULES: dict[Action, Rule] = {
    Action.ASSIGN: Rule(ACTIVE, Status.OPEN),
    Action.TRANSFER: Rule(ACTIVE, Status.OPEN, permission="can_handle_transfers"),
    Action.TRANSFER_TO_TEAM: Rule(ACTIVE, Status.PENDING, permission="can_handle_transfers"),
    Action.CLOSE: Rule(ACTIVE, Status.CLOSED),
    Action.REOPEN: Rule((Status.CLOSED,), Status.OPEN),
    Action.SET_STATUS: Rule(ACTIVE, None),
}

AUDIT_ACTIONS: dict[Action, str] = {
    Action.ASSIGN: "conversation_assigned",
    Action.TRANSFER: "conversation_transferred",
    Action.TRANSFER_TO_TEAM: "conversation_transferred_to_team",
    Action.CLOSE: "conversation_closed_agent",
    Action.REOPEN: "conversation_reopened",
    Action.SET_STATUS: "conversation_status_changed",
}

STATUS_LABELS = {
    Status.OPEN: "aberta",
    Status.PENDING: "pendente",
    Status.SNOOZED: "com a IA",
    Status.CLOSED: "fechada",
}


class TeamRef(TypedDict):
    id: int
    name: str


class Conversation(TypedDict):
    """A conversation as stored (the store adds keys, list-index keys and counters). Who holds it and its
    last message are denormalized on it, so a list page is one Query. Nullable fields are NotRequired: the
    store drops attributes whose value is None, so an item read back lacks them."""

    id: int
    provedor_id: int
    contact_id: int
    inbox_id: int
    status: str  # Status
    assignee_id: NotRequired[int | None]
    assignee: NotRequired[UserRef | None]
    team_id: NotRequired[int | None]
    team: NotRequired[TeamRef | None]
    additional_attributes: dict[str, Any]
    last_message: NotRequired[LastMessage | None]
    last_message_at: NotRequired[str | None]
    last_activity_at: str  # recency: the sort key of every list
    incoming_count: int  # customer messages so far (unread counts compare readers' markers with it)
    version: int
    created_at: str
    updated_at: str
    closed_at: NotRequired[str | None]
    resolution_notes: NotRequired[str | None]
    channel_type: NotRequired[str]  # the inbox's, for the reports' per-channel figures
    # The care cycle (niochat.domain.cycles): what response and resolution times are derived from.
    cycle: NotRequired[int]
    cycle_started_at: NotRequired[str]
    handoff_at: NotRequired[str]
    waiting_since: NotRequired[str]
    first_reply_at: NotRequired[str]
    first_reply_by: NotRequired[int]
    last_reply_at: NotRequired[str]
    last_reply_id: NotRequired[int]
    last_reply_by: NotRequired[UserRef]


def new_conversation(
    conversation_id: int,
    provedor_id: int,
    *,
    contact_id: int,
    inbox_id: int,
    channel_type: str,
    ai_enabled: bool,
    now: str,
    additional_attributes: dict[str, Any] | None = None,
) -> Conversation:
    """A new conversation: `snoozed` (with the AI) when the inbox's AI is on, else `pending`; its first care
    cycle starts now."""
    return {
        "id": conversation_id,
        "provedor_id": provedor_id,
        "contact_id": contact_id,
        "inbox_id": inbox_id,
        "status": str(Status.SNOOZED if ai_enabled else Status.PENDING),
        "assignee_id": None,
        "assignee": None,
        "team_id": None,
        "team": None,
        "additional_attributes": additional_attributes or {},
        "last_message": None,
        "last_message_at": None,
        "last_activity_at": now,
        "incoming_count": 0,
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "channel_type": channel_type,
        "cycle": 1,
        "cycle_started_at": now,
    }


def assignee_of(user: User) -> UserRef:
    """The snapshot of its assignee a conversation keeps."""
    return {"id": user["id"], "username": user["username"], "first_name": user["first_name"]}


def team_of(team: Team) -> TeamRef:
    return {"id": team["id"], "name": team["name"]}


class TransitionRefused(Exception):
    """The action is not allowed from the conversation's status (answered with 409)."""


def next_status(action: Action, current: Status, requested: Status | None = None) -> Status:
    rule = RULES[action]
    if current not in rule.allowed_from:
        raise TransitionRefused(f"Não é possível executar '{action.value}' em uma conversa {STATUS_LABELS[current]}")
    target = rule.to or requested
    if target is None or (action is Action.SET_STATUS and target not in ACTIVE):
        raise TransitionRefused("Status inválido para esta ação")
    return target


class Viewer(NamedTuple):
    """The caller plus the teams they belong to (what visibility depends on)."""

    principal: Principal
    team_ids: frozenset[int]


def can_see(viewer: Viewer, status: str, assignee_id: int | None, team_id: int | None) -> bool:
    caller = viewer.principal
    if caller.is_admin:
        return True
    if assignee_id is not None and assignee_id == caller.user_id:
        return True
    if status == Status.SNOOZED and "view_ai_conversations" in caller.permissions:
        return True
    return (
        assignee_id is None
        and team_id is not None
        and team_id in viewer.team_ids
        and status != Status.CLOSED
        and "view_team_unassigned" in caller.permissions
    )


def can_act(
    viewer: Viewer, action: Action, assignee_id: int | None, team_id: int | None, takes_it: bool = False
) -> bool:
    """`takes_it`: an agent assigning an unassigned conversation they can see to themselves."""
    caller = viewer.principal
    if caller.is_admin:
        return True
    if takes_it and action is Action.ASSIGN and assignee_id is None:
        return True
    involved = assignee_id == caller.user_id or (team_id is not None and team_id in viewer.team_ids)
    permission = RULES[action].permission
    return involved and (permission is None or permission in caller.permissions)
