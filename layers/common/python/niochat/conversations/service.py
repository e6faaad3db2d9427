"""Conversation use cases: create, read, patch and the actions of the state machine.

Each action is one transaction whose first write is conditional on the version read, so of two agents
acting at once exactly one wins and the other gets a 409; the same transaction moves the counters, adds
the activity message and the audit entry.
"""

from __future__ import annotations

from typing import Any, cast

from niochat import clock
from niochat.domain import cycles
from niochat.domain.audit import new_entry
from niochat.domain.conversations import (
    AUDIT_ACTIONS,
    STATUS_LABELS,
    Action,
    Conversation,
    Status,
    TransitionRefused,
    Viewer,
    assignee_of,
    can_act,
    can_see,
    new_conversation,
    next_status,
    team_of,
)
from niochat.domain.cycles import NOTHING, CycleChange
from niochat.domain.messages import new_activity, new_message_id
from niochat.domain.teams import Team
from niochat.domain.users import Principal, User, reference
from niochat.errors import Conflict, NotFound, PermissionDenied, ValidationError
from niochat.store import assistant as assistant_store
from niochat.store import audit as audit_store
from niochat.store import contacts as contact_store
from niochat.store import conversations as store
from niochat.store import counters, messages, sequences, users
from niochat.store.inboxes import inboxes
from niochat.store.table import table
from niochat.store.writes import Update, WriteError

NOT_FOUND = "Conversa não encontrada"
RACE = "A conversa foi alterada por outra pessoa ao mesmo tempo. Atualize e tente novamente"


def viewer_for(caller: Principal, provedor_id: int) -> Viewer:
    if caller.is_admin or caller.provedor_id != provedor_id:
        return Viewer(caller, frozenset())
    from niochat.store import teams

    return Viewer(caller, frozenset(teams.team_ids_of_user(provedor_id, caller.user_id)))


def get(provedor_id: int, conversation_id: int) -> Conversation:
    """The provedor's conversation, whoever may see it (404 when it does not exist)."""
    conversation = store.conversations.get(provedor_id, conversation_id, consistent=True)
    if conversation is None:
        raise NotFound(NOT_FOUND)
    return conversation


def get_visible(viewer: Viewer, provedor_id: int, conversation_id: int) -> Conversation:
    conversation = get(provedor_id, conversation_id)
    if not can_see(viewer, conversation["status"], conversation.get("assignee_id"), conversation.get("team_id")):
        raise NotFound(NOT_FOUND)
    return conversation


def _actor(caller: Principal | None) -> str:
    return caller.first_name or caller.username if caller else "sistema"


def _commit(provedor_id: int, operations: list[Any], amounts: dict[str, int]) -> None:
    """One transaction; Conflict(RACE) when a condition failed (the conversation moved past the version read,
    the contact's slot was taken) or another request wrote the same items at that moment."""
    if amounts:
        operations.append(counters.add_many_op(provedor_id, amounts))
    try:
        table().transact(operations)
    except WriteError:
        raise Conflict(RACE) from None


def create(
    provedor_id: int,
    contact_id: int,
    inbox_id: int,
    caller: Principal | None = None,
    additional_attributes: dict[str, Any] | None = None,
) -> Conversation:
    """A new conversation for a contact in an inbox: `snoozed` when the inbox's AI is on, else `pending`."""
    contact = contact_store.contacts.get(provedor_id, contact_id, consistent=True)
    if contact is None:
        raise ValidationError.field("contact", "Contato inválido")
    inbox = inboxes.get(provedor_id, inbox_id)
    if inbox is None:
        raise ValidationError.field("inbox", "Inbox inválida")
    ai_on = bool((inbox.get("settings") or {}).get("ai_enabled"))
    ids = sequences.next_tenant_ids(provedor_id, "conversation", "audit")
    now = clock.iso()
    conversation = new_conversation(
        ids["conversation"],
        provedor_id,
        contact_id=contact_id,
        inbox_id=inbox_id,
        channel_type=str(inbox["channel_type"]),
        ai_enabled=ai_on,
        now=now,
        additional_attributes=additional_attributes,
    )
    item = {**conversation, **store.index_keys(provedor_id, conversation)}
    details = {"conversation_id": conversation["id"], "contact_name": contact["name"]}
    entry = new_entry(ids["audit"], provedor_id, "conversation_created", caller, details, now)
    operations = [
        store.conversations.put_op(provedor_id, item),
        contact_store.active_set_op(provedor_id, contact["phone"], inbox_id, conversation["id"]),
        contact_store.conversation_added_op(provedor_id, contact_id, conversation["id"], now),
        audit_store.put_op(provedor_id, entry),
    ]
    try:
        amounts = {**store.counter_amounts(None, conversation), **audit_store.counter_amounts(entry)}
        _commit(provedor_id, operations, amounts)
    except Conflict:
        existing = active_conversation_id(provedor_id, contact["phone"], inbox_id) or "?"
        raise Conflict(f"Já existe uma conversa ativa para este contato nesta inbox (id {existing})") from None
    return conversation


def active_conversation_id(provedor_id: int, phone: str, inbox_id: int) -> int | None:
    entry = contact_store.phone_entry(provedor_id, phone) or {}
    found = (entry.get("active_conversations") or {}).get(str(inbox_id))
    return int(found) if found is not None else None


def _target_user(provedor_id: int, user_id: int) -> User:
    user = users.get(user_id)
    if user is None or user.get("provedor_id") != provedor_id or not user.get("is_active", True):
        raise ValidationError.field("user_id", "Usuário inválido: informe um usuário ativo deste provedor")
    return user


def _target_team(provedor_id: int, team_id: int | None) -> Team:
    from niochat.store import teams

    team = teams.teams.get(provedor_id, team_id) if team_id is not None else None
    if team is None:
        raise ValidationError.field("team_id", "Equipe inválida")
    return team


def act(
    caller: Principal,
    provedor_id: int,
    conversation_id: int,
    action: Action,
    *,
    user_id: int | None = None,
    team_id: int | None = None,
    status: str | None = None,
    resolution_notes: str | None = None,
    note: str | None = None,
    only_from: Status | None = None,
) -> tuple[Conversation, str]:
    """Run one action of the state machine; returns the new conversation and the answer's message. `note`
    (why, when the platform acts: the assistant's hand-off) goes into the activity message and the audit.
    `only_from`: a Conflict unless the conversation is in that status (the assistant acts only on
    conversations still with it; the versioned write makes it hold until the change is committed)."""
    viewer = viewer_for(caller, provedor_id)
    before = get_visible(viewer, provedor_id, conversation_id)
    if only_from is not None and before["status"] != only_from:
        raise Conflict("A conversa mudou de situação")
    assignee_id, team = before.get("assignee_id"), before.get("team_id")
    target_user: User | None = None
    if action in (Action.ASSIGN, Action.TRANSFER):
        target_user = _target_user(provedor_id, user_id if user_id is not None else caller.user_id)
    takes_it = action is Action.ASSIGN and target_user is not None and target_user["id"] == caller.user_id
    if not can_act(viewer, action, assignee_id, team, takes_it=takes_it):
        raise PermissionDenied("Você não tem permissão para esta ação nesta conversa")
    try:
        new_status = next_status(action, Status(before["status"]), Status(status) if status else None)
    except TransitionRefused as refused:
        raise Conflict(str(refused)) from None

    if action is Action.ASSIGN and assignee_id is not None:
        holder_ref = before.get("assignee")
        holder = (holder_ref.get("first_name") if holder_ref else None) or assignee_id
        raise Conflict(f"Conversa já está atribuída a {holder}")
    if action is Action.TRANSFER and target_user is not None and assignee_id == target_user["id"]:
        raise Conflict("A conversa já está com este agente")
    target_team = _target_team(provedor_id, team_id) if action is Action.TRANSFER_TO_TEAM else None
    changes, message, activity = _describe(action, new_status, target_user, target_team, _actor(caller))
    if note:
        activity = f"{activity}: {note}"
    if action is Action.CLOSE:
        changes["resolution_notes"] = resolution_notes

    now = clock.iso()
    if action is Action.CLOSE:
        changes["closed_at"] = now  # the same instant as the activity: the resolution time reads both
    cycle = cycles.of_action(before, str(new_status), now)
    after = cast(
        Conversation,
        cycle.applied({**before, **changes, "status": str(new_status), "last_activity_at": now, "updated_at": now}),
    )
    after["version"] = int(before["version"]) + 1
    ids = {**sequences.next_tenant_ids(provedor_id, "audit"), "message": new_message_id(clock.now())}
    details = {"conversation_id": conversation_id, "from_status": before["status"], "to_status": after["status"]}
    if target_user is not None:
        details["assignee_id"] = target_user["id"]
    if action is Action.TRANSFER_TO_TEAM:
        details["team_id"] = after["team_id"]
    if note:
        details["reason"] = note
    entry = new_entry(ids["audit"], provedor_id, AUDIT_ACTIONS[action], caller, details, now)
    activity_message = new_activity(
        ids["message"],
        provedor_id,
        conversation_id=conversation_id,
        content=activity,
        actor=reference(caller),
        at=now,
        action=str(action),
        outcome={"from_status": before["status"], "to_status": after["status"], "assignee": after.get("assignee")},
    )

    operations: list[Any] = [
        _versioned_update(provedor_id, before, after, cycle),
        messages.put_op(provedor_id, activity_message),
    ]
    operations.append(audit_store.put_op(provedor_id, entry))
    operations += _pointer_ops(provedor_id, before, after)
    if action is Action.CLOSE:  # the assistant's memory of this care cycle (a CPF, a contract) goes with it
        operations.append(assistant_store.forget_op(provedor_id, conversation_id))
    _commit(provedor_id, operations, {**store.counter_amounts(before, after), **audit_store.counter_amounts(entry)})
    return after, message


def _describe(
    action: Action,
    new_status: Status,
    user: User | None,
    team: Team | None,
    actor: str,
) -> tuple[dict[str, Any], str, str]:
    """The fields an action changes, the answer's message and the activity message's text."""
    changes: dict[str, Any] = {}
    if user is not None:
        changes.update(assignee_id=user["id"], assignee=assignee_of(user))
        name = user["first_name"] or user["username"]
        verb = "atribuída" if action is Action.ASSIGN else "transferida"
        message = f"Conversa {verb} para {name}"
    elif team is not None:
        changes.update(team_id=team["id"], team=team_of(team), assignee_id=None, assignee=None)
        message = f"Conversa transferida para equipe {team['name'].upper()}"
    elif action is Action.CLOSE:
        message = "Conversa encerrada"
    elif action is Action.REOPEN:
        changes.update(closed_at=None, resolution_notes=None)
        message = "Conversa reaberta"
    else:
        message = f"Status alterado para {STATUS_LABELS[new_status]}"
    return changes, message, f"{message} por {actor}"


def _pointer_ops(provedor_id: int, before: Conversation, after: Conversation) -> list[Update]:
    """Closing frees the contact's slot for an active conversation in the inbox; reopening takes it back."""
    closing = before["status"] != Status.CLOSED and after["status"] == Status.CLOSED
    reopening = before["status"] == Status.CLOSED and after["status"] != Status.CLOSED
    if not (closing or reopening):
        return []
    contact = contact_store.contacts.get(provedor_id, int(before["contact_id"]))
    if contact is None:
        return []
    args = (provedor_id, contact["phone"], int(before["inbox_id"]), int(before["id"]))
    return [contact_store.active_clear_op(*args) if closing else contact_store.active_set_op(*args)]


MUTABLE = (
    "status", "assignee_id", "assignee", "team_id", "team", "additional_attributes", "last_message",
    "last_activity_at", "updated_at", "closed_at", "resolution_notes",
)  # fmt: skip


def _versioned_update(
    provedor_id: int, before: Conversation, after: Conversation, cycle: CycleChange = NOTHING
) -> Update:
    """`after`'s mutable fields and index keys, on condition the conversation is still at `before`'s version;
    the care cycle's fields move as `cycle` says (removed ones are removed, not set to null)."""
    changes: dict[str, Any] = {name: after.get(name) for name in MUTABLE}
    changes.update(store.index_keys(provedor_id, after))
    operation = Update("conversation", *store.conversations.key(provedor_id, before["id"])).set_all(changes)
    operation.set_all(cycle.sets)
    for name in cycle.removes:
        operation.remove(name)
    return operation.expect_version(int(before["version"]))


def patch(
    caller: Principal, provedor_id: int, conversation_id: int, status: str | None, attributes: dict[str, Any] | None
) -> tuple[Conversation, str | None]:
    """PATCH: a status change goes through the state machine; attributes are a plain versioned update."""
    result: Conversation | None = None
    message = None
    if status is not None:
        viewer = viewer_for(caller, provedor_id)
        current = get_visible(viewer, provedor_id, conversation_id)["status"]
        if status != current:
            action = {Status.CLOSED: Action.CLOSE}.get(Status(status), Action.SET_STATUS)
            if current == Status.CLOSED:
                action = Action.REOPEN if status == Status.OPEN else Action.SET_STATUS
            result, message = act(caller, provedor_id, conversation_id, action, status=status)
    if attributes is not None:
        viewer = viewer_for(caller, provedor_id)
        before = get_visible(viewer, provedor_id, conversation_id)
        if not can_act(viewer, Action.SET_STATUS, before.get("assignee_id"), before.get("team_id")):
            raise PermissionDenied("Você não tem permissão para esta ação nesta conversa")
        after = cast(Conversation, {**before, "additional_attributes": attributes, "updated_at": clock.iso()})
        after["version"] = int(before["version"]) + 1
        _commit(provedor_id, [_versioned_update(provedor_id, before, after)], {})
        result = after
    if result is None:
        result = get_visible(viewer_for(caller, provedor_id), provedor_id, conversation_id)
    return result, message
