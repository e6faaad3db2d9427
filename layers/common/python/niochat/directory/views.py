"""Provedores and users as the API shows them. Who sees whom: a superadmin every user; an admin the users of
their provedor; an agent themselves in full and their colleagues reduced (enough to pick one)."""

from __future__ import annotations

from typing import TypedDict

from niochat.domain.provedores import Provedor
from niochat.domain.users import Principal, User


class ProvedorView(TypedDict):
    id: int
    nome: str
    email_contato: str | None
    is_active: bool
    created_at: str
    updated_at: str


class UserView(TypedDict):
    id: int
    username: str
    email: str | None
    first_name: str
    last_name: str
    provedor_id: int | None
    user_type: str
    permissions: list[str]
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


class Me(TypedDict):
    """`GET /api/auth/me/`: the caller's own profile and preferences."""

    id: int
    username: str
    email: str | None
    first_name: str
    last_name: str
    provedor_id: int | None
    user_type: str
    permissions: list[str]
    sound_notifications_enabled: bool
    new_message_sound: str
    new_conversation_sound: str
    session_timeout: int


def provedor(item: Provedor) -> ProvedorView:
    return {
        "id": item.get("id"),
        "nome": item.get("nome"),
        "email_contato": item.get("email_contato"),
        "is_active": bool(item.get("is_active", True)),
        "created_at": item.get("created_at"),
        "updated_at": item.get("updated_at"),
    }


def user(item: User) -> UserView:
    return {
        "id": item.get("id"),
        "username": item.get("username"),
        "email": item.get("email"),
        "first_name": item.get("first_name"),
        "last_name": item.get("last_name"),
        "provedor_id": item.get("provedor_id"),
        "user_type": item.get("user_type"),
        "permissions": sorted(item.get("permissions") or []),
        "is_active": bool(item.get("is_active", True)),
        "session_timeout": item.get("session_timeout"),
        "sound_notifications_enabled": item.get("sound_notifications_enabled"),
        "new_message_sound": item.get("new_message_sound"),
        "new_conversation_sound": item.get("new_conversation_sound"),
        "last_login": item.get("last_login"),
        "created_at": item.get("created_at"),
        "updated_at": item.get("updated_at"),
    }


def reduced(item: User) -> ReducedUser:
    return {
        "id": item.get("id"),
        "username": item.get("username"),
        "first_name": item.get("first_name"),
        "last_name": item.get("last_name"),
        "user_type": item.get("user_type"),
        "is_active": bool(item.get("is_active", True)),
    }


def user_for(caller: Principal, item: User) -> UserView | ReducedUser:
    """The user as `caller` may see them: in full for admins and for themselves, reduced otherwise."""
    return user(item) if caller.is_admin or caller.user_id == item["id"] else reduced(item)


def me(item: User) -> Me:
    return {
        "id": item.get("id"),
        "username": item.get("username"),
        "email": item.get("email"),
        "first_name": item.get("first_name"),
        "last_name": item.get("last_name"),
        "provedor_id": item.get("provedor_id"),
        "user_type": item.get("user_type"),
        "permissions": item.get("permissions"),
        "sound_notifications_enabled": item.get("sound_notifications_enabled"),
        "new_message_sound": item.get("new_message_sound"),
        "new_conversation_sound": item.get("new_conversation_sound"),
        "session_timeout": item.get("session_timeout"),
    }
