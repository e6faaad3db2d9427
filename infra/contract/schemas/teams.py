"""Teams and their members."""

from __future__ import annotations

from typing import Literal

from infra.contract.schemas.common import Shape, Timestamp, UserType, mirror
from niochat.teams import views

Team = mirror("Team", views.TeamView, updated_at=Timestamp)
MemberUser = mirror("MemberUser", views.MemberUser, user_type=UserType)


class Member(Shape):
    id: int
    team: int
    user: MemberUser | None
    role: Literal["member", "leader"]
    joined_at: Timestamp | None
    provedor: int
