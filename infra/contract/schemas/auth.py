"""Login, the caller's user and the session timeout."""

from __future__ import annotations

from pydantic import Field

from infra.contract.schemas.common import Shape, UserType


class Token(Shape):
    token: str = Field(description="Send it as `Authorization: Token <token>`")


class Me(Shape):
    id: int
    username: str
    email: str | None
    first_name: str
    last_name: str
    provedor_id: int | None
    user_type: UserType
    permissions: list[str]
    sound_notifications_enabled: bool
    new_message_sound: str
    new_conversation_sound: str
    session_timeout: int


class SessionTimeoutBody(Shape):
    timeout: int = Field(ge=1, le=720, description="Minutes of inactivity before the token expires")


class SessionTimeout(Shape):
    message: str
    session_timeout: int
