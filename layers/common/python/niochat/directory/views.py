"""Provedores and users as the API shows them. Who sees whom: a superadmin every user; an admin the users of
their provedor; an agent themselves in full and their colleagues reduced (enough to pick one)."""

from __future__ import annotations

from typing import TypedDict

from niochat.domain.provedores import Provedor
from niochat.domain.users import Principal, User
from niochat.views import fields_of


class ProvedorView(TypedDict):
    id: int
    nome: str
    email_contato: str | None
    is_active: bool
    created_at: str
    updated_at: str


class _Account(TypedDict):
    """Who a user is: the fields a user's view and the caller's own profile start with."""

    id: int
    username: str
    email: str | None
    first_name: str
    last_name: str
    provedor_id: int | None
    user_type: str
    permissions: list[str]


class UserView(_Account):
    is_active: bool
    session_timeout: int
    sound_notifications_enabled: bool
    new_message_sound: str
    new_conversation_sound: str
    last_login: str | None
    created_at: str
    updated_at: str


class ReducedUser(TypedDict):
    """What an agent sees of a colleague."""

    id: int
    username: str
    first_name: str
    last_name: str
    user_type: str
    is_active: bool


class Me(_Account):
    """`GET /api/auth/me/`: the caller's own profile and preferences."""

    sound_notifications_enabled: bool
    new_message_sound: str
    new_conversation_sound: str
    session_timeout: int


def provedor(item: Provedor) -> ProvedorView:
    return fields_of(ProvedorView, item, is_active=bool(item.get("is_active", True)))


def user(item: User) -> UserView:
    return fields_of(
        UserView, item, permissions=sorted(item.get("permissions") or []), is_active=bool(item.get("is_active", True))
    )


def reduced(item: User) -> ReducedUser:
    return fields_of(ReducedUser, item, is_active=bool(item.get("is_active", True)))


def user_for(caller: Principal, item: User) -> UserView | ReducedUser:
    """The user as `caller` may see them: in full for admins and for themselves, reduced otherwise."""
    return user(item) if caller.is_admin or caller.user_id == item["id"] else reduced(item)


def me(item: User) -> Me:
    return fields_of(Me, item)
