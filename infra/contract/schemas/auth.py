"""Login, the caller's user and the session timeout."""

from __future__ import annotations

from pydantic import Field

from infra.contract.schemas.common import Shape
from infra.contract.schemas.directory import UserIdentity


class Token(Shape):
    token: str = Field(description="Send it as `Authorization: Token <token>`")


class Me(UserIdentity):
    sound_notifications_enabled: bool
    new_message_sound: str
    new_conversation_sound: str
    session_timeout: int


class SessionTimeoutBody(Shape):
    timeout: int = Field(ge=1, le=720, description="Minutes of inactivity before the token expires")


class SessionTimeout(Shape):
    message: str
    session_timeout: int
