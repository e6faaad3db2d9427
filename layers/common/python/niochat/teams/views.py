"""Teams and team members as the API shows them; a page of members reads its users in one BatchGetItem."""

from __future__ import annotations

from typing import TypedDict

from niochat.domain.teams import Membership, Team
from niochat.domain.users import User
from niochat.store import users as user_store
from niochat.views import fields_of


class TeamView(TypedDict):
    id: int
    name: str
    description: str
    provedor: int
    is_active: bool
    members_count: int
    created_at: str
    updated_at: str | None


class MemberUser(TypedDict):
    """The member's user, as a team's member list shows it."""

    id: int
    username: str
    first_name: str
    last_name: str
    email: str | None
    user_type: str
    is_active: bool


class MemberView(TypedDict):
    id: int
    team: int
    user: MemberUser | None  # None: the user is gone
    role: str
    joined_at: str | None
    provedor: int


def team(item: Team) -> TeamView:
    return fields_of(
        TeamView,
        item,
        description=item.get("description") or "",
        provedor=item["provedor_id"],
        is_active=bool(item.get("is_active", True)),
        members_count=int(item.get("members_count") or 0),
    )


def _member_user(user: User | None) -> MemberUser | None:
    return None if user is None else fields_of(MemberUser, user)


def member(membership: Membership, user: User | None) -> MemberView:
    return {
        "id": membership["id"],
        "team": membership["team_id"],
        "user": _member_user(user),
        "role": membership["role"],
        "joined_at": membership.get("joined_at"),
        "provedor": membership["provedor_id"],
    }


def members(memberships: list[Membership]) -> list[MemberView]:
    """A page of memberships with their users (one BatchGetItem for the page)."""
    found = user_store.get_many([int(m["user_id"]) for m in memberships]) if memberships else {}
    return [member(m, found.get(int(m["user_id"]))) for m in memberships]


def member_with_user(membership: Membership) -> MemberView:
    """One membership with its user (one GetItem)."""
    return member(membership, user_store.get(int(membership["user_id"])))
