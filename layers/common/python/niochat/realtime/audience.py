"""Who receives an event, and what each receives (pure: connections and events in, decisions out).

A member is what the rules need to know about a receiver: their user, whether they administer the
provedor, their permissions and their teams. For a WebSocket connection these come from the snapshot taken
at `$connect` (niochat.realtime.connections); for `GET /api/events/` from the caller's token and teams.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from niochat.domain.conversations import Viewer, can_see
from niochat.domain.users import Principal, UserType
from niochat.realtime.events import Audience

Item = dict[str, Any]
STATUSES = ("open", "pending", "snoozed", "closed")


class Member(NamedTuple):
    viewer: Viewer

    @property
    def user_id(self) -> int:
        return self.viewer.principal.user_id

    @property
    def is_admin(self) -> bool:
        return self.viewer.principal.is_admin


def member_of_connection(connection: Item) -> Member:
    principal = Principal(
        user_id=int(connection["user_id"]),
        provedor_id=connection.get("provedor_id"),
        user_type=UserType(connection.get("user_type") or UserType.AGENT),
        username="",
        permissions=frozenset(connection.get("permissions") or ()),
    )
    return Member(Viewer(principal, frozenset(int(t) for t in connection.get("team_ids") or ())))


def may_receive(member: Member, audience: Audience) -> bool:
    if audience.users is not None:
        return member.user_id in audience.users
    if audience.exclude_user is not None and member.user_id == audience.exclude_user:
        return False
    if member.is_admin:
        return True
    if audience.admins_only:
        return False
    if audience.conversation is None:
        return True
    return any(can_see(member.viewer, f.status, f.assignee_id, f.team_id) for f in audience.conversation)


def view(event: dict[str, Any], member: Member) -> dict[str, Any]:
    """The event as `member` receives it. `dashboard_metrics`: admins get every assignee's counts
    (`by_assignee`), agents only their own (`mine`); both get the provedor's totals."""
    if event["type"] != "dashboard_metrics":
        return event
    data = dict(event["data"])
    by_assignee = data.pop("by_assignee", None) or {}
    if member.is_admin:
        data["by_assignee"] = by_assignee
    else:
        data["mine"] = by_assignee.get(str(member.user_id)) or dict.fromkeys(STATUSES, 0)
    return {**event, "data": data}


def recipients(connections: list[Item], audience: Audience, now: int) -> list[tuple[Item, Member]]:
    """The live connections (not past `expires_at`) whose member may receive an event for `audience`."""
    chosen = []
    for connection in connections:
        if int(connection.get("expires_at") or now) < now:
            continue
        member = member_of_connection(connection)
        if may_receive(member, audience):
            chosen.append((connection, member))
    return chosen
