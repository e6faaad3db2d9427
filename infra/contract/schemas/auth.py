"""Login, the caller's user and the session timeout."""

from __future__ import annotations

from pydantic import Field

from infra.contract.schemas.common import Shape, UserType, mirror
from niochat.directory import views


class Token(Shape):
    token: str = Field(description="Send it as `Authorization: Token <token>`")


Me = mirror("Me", views.Me, user_type=UserType)


class SessionTimeoutBody(Shape):
    timeout: int = Field(ge=1, le=720, description="Minutes of inactivity before the token expires")


class SessionTimeout(Shape):
    message: str
    session_timeout: int
