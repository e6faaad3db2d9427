"""Provedores and users."""

from __future__ import annotations

from infra.contract.schemas.common import Shape, Timestamp, UserType


class Provedor(Shape):
    id: int
    nome: str
    email_contato: str | None
    is_active: bool
    created_at: Timestamp
    updated_at: Timestamp


class UserIdentity(Shape):
    """Who a user is and what they may do: how the directory's User and the caller's own (auth.Me) begin."""

    id: int
    username: str
    email: str | None
    first_name: str
    last_name: str
    provedor_id: int | None
    user_type: UserType
    permissions: list[str]


class User(UserIdentity):
    is_active: bool
    session_timeout: int
    sound_notifications_enabled: bool
    new_message_sound: str
    new_conversation_sound: str
    last_login: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp


class Colleague(Shape):
    """What an agent sees of another user of their provedor."""

    id: int
    username: str
    first_name: str
    last_name: str
    user_type: UserType
    is_active: bool
