"""User use cases."""

from __future__ import annotations

from typing import Any

from niochat import clock
from niochat.auth.passwords import hash_password
from niochat.domain.users import SESSION_TIMEOUT_DEFAULT, UserType
from niochat.errors import ValidationError
from niochat.settings import get_settings
from niochat.store import sequences, users

PUBLIC_FIELDS = (
    "id",
    "username",
    "email",
    "first_name",
    "last_name",
    "provedor_id",
    "user_type",
    "permissions",
    "is_active",
    "session_timeout",
    "sound_notifications_enabled",
    "new_message_sound",
    "new_conversation_sound",
    "last_login",
    "created_at",
    "updated_at",
)


def public(user: dict[str, Any]) -> dict[str, Any]:
    return {name: user.get(name) for name in PUBLIC_FIELDS}


def create_user(
    *,
    username: str,
    password: str,
    user_type: UserType,
    provedor_id: int | None,
    email: str | None = None,
    first_name: str = "",
    last_name: str = "",
    permissions: list[str] | None = None,
) -> dict[str, Any]:
    now = clock.iso()
    user = {
        "id": sequences.next_global_id("user"),
        "username": username,
        "email": email or None,
        "first_name": first_name,
        "last_name": last_name,
        "provedor_id": provedor_id,
        "user_type": str(user_type),
        "permissions": sorted(set(permissions or [])),
        "is_active": True,
        "password_hash": hash_password(password, get_settings().password_hash_cost),
        "session_timeout": SESSION_TIMEOUT_DEFAULT,
        "sound_notifications_enabled": True,
        "new_message_sound": "message_in_02.mp3",
        "new_conversation_sound": "chat_new_08.mp3",
        "last_login": None,
        "created_at": now,
        "updated_at": now,
    }
    try:
        users.create(user)
    except users.DuplicateLogin:
        raise ValidationError.field(
            "username", "Já existe um usuário com este nome de usuário ou email", "Usuário já existe"
        ) from None
    return user
