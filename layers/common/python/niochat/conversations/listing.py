"""Which index partitions make up a conversations list, and its exact count.

Every list is a union of partitions sorted by last activity (see store/conversations.py), merged page by
page. Counts come from the provedor's counters; only filter combinations no counter covers fall back to
counting the matching index keys.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from niochat.conversations.models import ConversationQuery
from niochat.domain.conversations import ACTIVE, ALL, Status, Viewer
from niochat.store import conversations as store
from niochat.store import counters
from niochat.store.pages import Partition
from niochat.store.table import key_of, table

MAX_FALLBACK_COUNT = 10_000


class Filters(NamedTuple):
    statuses: tuple[Status, ...]
    assignee: int | Literal["any"] | None = "any"  # a user id, None (unassigned) or "any"
    team: int | None = None
    inbox: int | None = None


def filters_of(query: ConversationQuery, caller_id: int) -> Filters:
    if query.status == "all":
        statuses = ALL
    elif query.status:
        statuses = (Status(query.status),)
    else:
        statuses = ACTIVE
    assignee: int | Literal["any"] | None = "any"
    if query.assignee == "me":
        assignee = caller_id
    elif query.assignee == "none":
        assignee = None
    elif query.assignee:
        assignee = int(query.assignee)
    return Filters(statuses, assignee, query.team, query.inbox)


def _expression(
    f: Filters, status_fixed: bool, assignee_fixed: bool, team_fixed: bool
) -> tuple[str | None, dict[str, Any], dict[str, str]]:
    parts: list[str] = []
    values: dict[str, Any] = {}
    names: dict[str, str] = {}
    if not status_fixed:
        placeholders = []
        for i, status in enumerate(f.statuses):
            values[f":st{i}"] = str(status)
            placeholders.append(f":st{i}")
        names["#st"] = "status"
        parts.append(f"#st IN ({', '.join(placeholders)})")
    if not assignee_fixed and f.assignee != "any":
        if f.assignee is None:
            parts.append("attribute_not_exists(assignee_id)")
        else:
            values[":assignee"] = f.assignee
            parts.append("assignee_id = :assignee")
    if not team_fixed and f.team is not None:
        values[":team"] = f.team
        parts.append("team_id = :team")
    if f.inbox is not None:
        values[":inbox"] = f.inbox
        parts.append("inbox_id = :inbox")
    return (" AND ".join(parts) or None), values, names


def _part(
    pk: str, index: str, f: Filters, status_fixed: bool = False, assignee_fixed: bool = False, team_fixed: bool = False
) -> Partition:
    expression, values, names = _expression(f, status_fixed, assignee_fixed, team_fixed)
    return store.partition(pk, index, expression, values, names)


def _buckets(f: Filters) -> list[bool]:
    """Which of active (False) / closed (True) the statuses span."""
    return [closed for closed in (False, True) if any((s == Status.CLOSED) == closed for s in f.statuses)]


def partitions(viewer: Viewer, provedor_id: int, f: Filters) -> list[Partition]:
    caller = viewer.principal
    if caller.is_admin:
        if f.assignee != "any":
            return [
                _part(store.assignee_pk(provedor_id, f.assignee, closed), "GSI2", f, assignee_fixed=True)
                for closed in _buckets(f)
            ]
        if f.team is not None:
            return [
                _part(store.team_pk(provedor_id, f.team, assigned, closed), "GSI3", f, team_fixed=True)
                for closed in _buckets(f)
                for assigned in (True, False)
            ]
        return [_part(store.status_pk(provedor_id, s), "GSI1", f, status_fixed=True) for s in f.statuses]
    # An agent: their own, their teams' unassigned ones, and the AI's (each when their permissions say so).
    parts = [_part(store.assignee_pk(provedor_id, caller.user_id, closed), "GSI2", f) for closed in _buckets(f)]
    if "view_team_unassigned" in caller.permissions and any(s != Status.CLOSED for s in f.statuses):
        parts += [_part(store.team_pk(provedor_id, t, False, False), "GSI3", f) for t in sorted(viewer.team_ids)]
    if "view_ai_conversations" in caller.permissions and Status.SNOOZED in f.statuses:
        parts.append(_part(store.status_pk(provedor_id, Status.SNOOZED), "GSI1", f, status_fixed=True))
    return parts


def count(viewer: Viewer, provedor_id: int, f: Filters, parts: list[Partition]) -> int:
    exact = _from_counters(viewer, provedor_id, f)
    return exact if exact is not None else _count_keys(parts)


def _from_counters(viewer: Viewer, provedor_id: int, f: Filters) -> int | None:
    caller = viewer.principal
    c = counters.read(provedor_id)
    total = lambda names: sum(c.get(n, 0) for n in names)  # noqa: E731
    statuses = [str(s) for s in f.statuses]
    if caller.is_admin:
        chosen = [f.assignee != "any", f.team is not None, f.inbox is not None]
        if sum(chosen) > 1:
            return None
        if f.assignee != "any":
            who = "none" if f.assignee is None else f.assignee
            return total(f"cv_a_{who}_{s}" for s in statuses)
        if f.team is not None:
            return total(f"cv_t_{f.team}_{state}_{s}" for s in statuses for state in "AU")
        if f.inbox is not None:
            return total(f"cv_i_{f.inbox}_{s}" for s in statuses)
        return total(f"cv_{s}" for s in statuses)
    if f.assignee != "any" or f.team is not None or f.inbox is not None:
        return None
    mine = total(f"cv_a_{caller.user_id}_{s}" for s in statuses)
    teams = 0
    if "view_team_unassigned" in caller.permissions:
        teams = total(f"cv_t_{t}_U_{s}" for t in viewer.team_ids for s in statuses if s != Status.CLOSED)
    ai = 0
    if "view_ai_conversations" in caller.permissions and Status.SNOOZED in f.statuses:
        # every snoozed one, less those already counted as mine or as my teams' unassigned
        ai = c.get("cv_snoozed", 0) - c.get(f"cv_a_{caller.user_id}_snoozed", 0)
        if "view_team_unassigned" in caller.permissions:
            ai -= total(f"cv_t_{t}_U_snoozed" for t in viewer.team_ids)
    return mine + teams + ai


def _count_keys(parts: list[Partition]) -> int:
    """Distinct conversations in the union (keys-only reads, capped): for filter combinations without a counter."""
    seen: set[tuple[str, str]] = set()
    for part in parts:
        start: dict[str, Any] | None = None
        while len(seen) < MAX_FALLBACK_COUNT:
            page = table().query(
                part.pk,
                index=part.index_name,
                values=part.values,
                start_key=start,
                filter_expression=part.filter_expression,
                names=part.names or None,
                keys_only=True,
                limit=1000,
            )
            seen.update((k["PK"], k["SK"]) for k in (key_of(i) for i in page.items))
            if not page.last_key:
                break
            start = page.last_key
    return min(len(seen), MAX_FALLBACK_COUNT)
