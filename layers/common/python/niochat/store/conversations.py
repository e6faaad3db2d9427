"""Conversations: the item, its list-index keys and its counters.

Every list of conversations is sorted by recency: sort key `<last_activity_at>#<id>` in three overloaded
indexes, recomputed on every write (recency lives in index keys, not in the table's sort key):
- GSI1 `P#<p>#CV#S#<status>`                       — by status
- GSI2 `P#<p>#CV#A#<assignee id|none>#<active|closed>` — by assignee
- GSI3 `P#<p>#CV#T#<team id|none>#<A|U>#<active|closed>` — by team, assigned (A) or not (U)
Counters (in the provedor's COUNTERS item, moved in the same transaction as the change):
`cv_<status>`, `cv_a_<assignee|none>_<status>`, `cv_t_<team|none>_<A|U>_<status>`, `cv_i_<inbox>_<status>`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from niochat.domain.conversations import Conversation, Status
from niochat.domain.cycles import CycleChange
from niochat.store import keys
from niochat.store.collection import Collection
from niochat.store.pages import Partition
from niochat.store.writes import Update, field

conversations: Collection[Conversation] = Collection("conversation")


def activity_key(last_activity_at: str, conversation_id: int) -> str:
    return f"{last_activity_at}#{keys.pad(conversation_id)}"


def _bucket(status: str) -> str:
    return "closed" if status == Status.CLOSED else "active"


def _who(value: int | None) -> str:
    return "none" if value is None else str(value)


def status_pk(provedor_id: int, status: str) -> str:
    return f"{keys.tenant(provedor_id)}#CV#S#{status}"


def assignee_pk(provedor_id: int, assignee_id: int | None, closed: bool) -> str:
    return f"{keys.tenant(provedor_id)}#CV#A#{_who(assignee_id)}#{'closed' if closed else 'active'}"


def team_pk(provedor_id: int, team_id: int | None, assigned: bool, closed: bool) -> str:
    state = "A" if assigned else "U"
    return f"{keys.tenant(provedor_id)}#CV#T#{_who(team_id)}#{state}#{'closed' if closed else 'active'}"


def index_keys(provedor_id: int, conversation: Mapping[str, Any]) -> dict[str, str]:
    """The GSI attributes of a conversation in its current state."""
    status, assignee, team = conversation["status"], conversation.get("assignee_id"), conversation.get("team_id")
    closed = status == Status.CLOSED
    sort = activity_key(conversation["last_activity_at"], conversation["id"])
    return {
        "GSI1PK": status_pk(provedor_id, status),
        "GSI1SK": sort,
        "GSI2PK": assignee_pk(provedor_id, assignee, closed),
        "GSI2SK": sort,
        "GSI3PK": team_pk(provedor_id, team, assignee is not None, closed),
        "GSI3SK": sort,
    }


def counter_names(conversation: Mapping[str, Any]) -> list[str]:
    status = conversation["status"]
    assignee, team = conversation.get("assignee_id"), conversation.get("team_id")
    state = "A" if assignee is not None else "U"
    return [
        f"cv_{status}",
        f"cv_a_{_who(assignee)}_{status}",
        f"cv_t_{_who(team)}_{state}_{status}",
        f"cv_i_{conversation.get('inbox_id')}_{status}",
    ]


def counter_amounts(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, int]:
    """How much each counter moves when a conversation goes from `before` to `after` (None: absent)."""
    delta: Counter[str] = Counter()
    for name in counter_names(before) if before else []:
        delta[name] -= 1
    for name in counter_names(after) if after else []:
        delta[name] += 1
    if before is None and after is not None:
        delta["conversation"] += 1
    return {name: amount for name, amount in delta.items() if amount}


def read_marker(provedor_id: int, conversation_id: int, user_id: int) -> tuple[str, str]:
    """How many incoming messages `user_id` had seen in the conversation when they last read it."""
    return f"{keys.tenant(provedor_id)}#CONV#{conversation_id}#READ", f"USER#{user_id}"


def partition(
    pk: str,
    index: str,
    filter_expression: str | None = None,
    values: dict[str, Any] | None = None,
    names: dict[str, str] | None = None,
) -> Partition:
    return Partition(
        pk, index_name=index, forward=False, filter_expression=filter_expression, values=values or {}, names=names or {}
    )


def message_added_op(
    provedor_id: int, conversation_id: int, preview: Mapping[str, Any], at: str, incoming: bool, cycle: CycleChange
) -> Update:
    """A new message moves the conversation's last message and recency (in all three index sort keys), counts
    customer messages for unread counts, and moves the care cycle as `cycle` says (niochat.domain.cycles:
    expressions only, nothing read first). No version bump: a message never races an agent's action."""
    sort = activity_key(at, conversation_id)
    op = (
        Update("conversation", *conversations.key(provedor_id, conversation_id))
        .set_all({"last_message": dict(preview), "last_message_at": at, "last_activity_at": at, "updated_at": at})
        .set_all({"GSI1SK": sort, "GSI2SK": sort, "GSI3SK": sort})
        .set_all(cycle.sets)
        .when_exists()
    )
    for name, value in cycle.defaults.items():
        op.set_default(name, value)
    for name in cycle.removes:
        op.remove(name)
    if incoming:
        op.add("incoming_count", 1)
    return op


def preview_status_op(provedor_id: int, conversation_id: int, message_id: int, changes: Mapping[str, Any]) -> Update:
    """The conversation's last-message preview takes the message's status (and provider id), while this
    message still is the conversation's last one."""
    return (
        Update("conversation", *conversations.key(provedor_id, conversation_id))
        .set("last_message.status", changes["status"])
        .set("last_message.external_id", changes.get("external_id"))
        .when(field("last_message.id").eq(message_id))
    )
