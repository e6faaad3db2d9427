"""Teams and their memberships: the stored items and their constructors."""

from __future__ import annotations

from typing import TypedDict


class Team(TypedDict):
    """A team as stored (the store adds keys and the unique-name item)."""

    id: int
    provedor_id: int
    name: str
    description: str
    is_active: bool
    # user id (as text) → membership id: "already a member" is a condition on the team item.
    members: dict[str, int]
    members_count: int
    version: int
    created_at: str
    updated_at: str


class Membership(TypedDict):
    """A user's membership of a team (the store adds the keys listing it by team and by user)."""

    id: int
    provedor_id: int
    team_id: int
    user_id: int
    role: str  # "member" or "leader"
    joined_at: str


def new_team(team_id: int, provedor_id: int, *, name: str, description: str | None, is_active: bool, now: str) -> Team:
    return {
        "id": team_id,
        "provedor_id": provedor_id,
        "name": name,
        "description": description or "",
        "is_active": is_active,
        "members": {},
        "members_count": 0,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def new_membership(
    membership_id: int, provedor_id: int, *, team_id: int, user_id: int, role: str, now: str
) -> Membership:
    return {
        "id": membership_id,
        "provedor_id": provedor_id,
        "team_id": team_id,
        "user_id": user_id,
        "role": role,
        "joined_at": now,
    }
