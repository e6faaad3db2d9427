"""Teams and their members."""

from __future__ import annotations

from typing import Literal

from infra.contract.schemas.common import Shape, Timestamp, UserType


class Team(Shape):
    id: int
    name: str
    description: str
    provedor: int
    is_active: bool
    members_count: int
    created_at: Timestamp
    updated_at: Timestamp


class MemberUser(Shape):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str | None
    user_type: UserType
    is_active: bool


class Member(Shape):
    id: int
    team: int
    user: MemberUser | None
    role: Literal["member", "leader"]
    joined_at: Timestamp | None
    provedor: int
