"""Request models for teams and team members."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictBool, StrictInt

from niochat.domain import validation
from niochat.models import RequestModel

Name = Annotated[str, Field(min_length=1, max_length=validation.MAX_NAME), AfterValidator(validation.name)]
Description = Annotated[str | None, Field(max_length=1000)]
Role = Literal["member", "leader"]


class TeamCreate(RequestModel):
    name: Name
    description: Description = None
    provedor: StrictInt | None = None  # required for a superadmin (niochat.tenancy)
    is_active: StrictBool = True


class TeamReplace(RequestModel):
    """PUT: every writable field; omitted optional fields are reset."""

    name: Name
    description: Description = None
    provedor: StrictInt | None = None
    is_active: StrictBool = True


class TeamPatch(RequestModel):
    name: Name | None = None
    description: Description = None
    provedor: StrictInt | None = None
    is_active: StrictBool | None = None


class TeamQuery(RequestModel):
    provedor: int | None = None


class MemberCreate(RequestModel):
    team: StrictInt
    user: StrictInt
    role: Role = "member"
    provedor: StrictInt | None = None  # a superadmin names the provedor; others act on their own


class MemberQuery(RequestModel):
    team: int
    provedor: int | None = None
