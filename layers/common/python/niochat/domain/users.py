"""Users, roles and the authenticated principal: the stored user and its one constructor."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple, NotRequired, TypedDict


class UserType(StrEnum):
    SUPERADMIN = "superadmin"
    ADMIN = "admin"
    AGENT = "agent"


# NioChat's agent permissions.
PERMISSIONS: frozenset[str] = frozenset(
    {
        "view_ai_conversations",
        "view_team_unassigned",
        "view_assigned_conversations",
        "can_handle_transfers",
        "manage_contacts",
        "manage_reports",
        "manage_knowledge_base",
    }
)

SESSION_TIMEOUT_MIN = 1
SESSION_TIMEOUT_MAX = 720
SESSION_TIMEOUT_DEFAULT = 60
NEW_MESSAGE_SOUND = "message_in_02.mp3"
NEW_CONVERSATION_SOUND = "chat_new_08.mp3"


class User(TypedDict):
    """A user as stored (the store adds keys and the username/email pointers). Nullable fields are
    NotRequired: the store drops attributes whose value is None, so an item read back lacks them."""

    id: int
    username: str
    email: NotRequired[str | None]
    first_name: str
    last_name: str
    provedor_id: NotRequired[int | None]  # None: a superadmin
    user_type: str
    permissions: list[str]
    is_active: bool
    password_hash: str
    session_timeout: int
    sound_notifications_enabled: bool
    new_message_sound: str
    new_conversation_sound: str
    last_login: NotRequired[str | None]
    created_at: str
    updated_at: str


def new_user(
    user_id: int,
    *,
    username: str,
    password_hash: str,
    user_type: UserType,
    provedor_id: int | None,
    now: str,
    email: str | None = None,
    first_name: str = "",
    last_name: str = "",
    permissions: list[str] | None = None,
) -> User:
    return {
        "id": user_id,
        "username": username,
        "email": email or None,
        "first_name": first_name,
        "last_name": last_name,
        "provedor_id": provedor_id,
        "user_type": str(user_type),
        "permissions": sorted(set(permissions or [])),
        "is_active": True,
        "password_hash": password_hash,
        "session_timeout": SESSION_TIMEOUT_DEFAULT,
        "sound_notifications_enabled": True,
        "new_message_sound": NEW_MESSAGE_SOUND,
        "new_conversation_sound": NEW_CONVERSATION_SOUND,
        "last_login": None,
        "created_at": now,
        "updated_at": now,
    }


class Principal(NamedTuple):
    """Who is calling: read from the token's session snapshot, trusted for the length of one request."""

    user_id: int
    provedor_id: int | None
    user_type: UserType
    username: str
    first_name: str = ""
    permissions: frozenset[str] = frozenset()
    session_timeout: int = SESSION_TIMEOUT_DEFAULT
    token_hash: str = ""

    @property
    def is_superadmin(self) -> bool:
        return self.user_type is UserType.SUPERADMIN

    @property
    def is_admin(self) -> bool:
        """Admin of their provedor (superadmins administer every provedor)."""
        return self.user_type in (UserType.ADMIN, UserType.SUPERADMIN)

    def has(self, permission: str) -> bool:
        return self.is_admin or permission in self.permissions


class UserRef(TypedDict):
    """A user as other items name them: an audit entry's or an activity's author (id and username), a
    message's sender or a conversation's assignee (with the first name)."""

    id: int
    username: str
    first_name: NotRequired[str]


class AssistantRef(TypedDict):
    """The `sender` of the AI assistant's messages: no user id, so reports never count them as human replies
    (niochat.domain.cycles)."""

    type: str  # "ai"
    username: str
    first_name: str


def reference(principal: Principal) -> UserRef:
    return {"id": principal.user_id, "username": principal.username}


def sender(principal: Principal) -> UserRef:
    return {"id": principal.user_id, "username": principal.username, "first_name": principal.first_name}


def session_snapshot(user: User) -> dict[str, Any]:
    """The user fields a token carries so that authenticating costs one read."""
    return {
        "user_id": user["id"],
        "provedor_id": user.get("provedor_id"),
        "user_type": user["user_type"],
        "username": user["username"],
        "first_name": user.get("first_name", ""),
        "permissions": sorted(user.get("permissions") or []),
        "session_timeout": int(user.get("session_timeout") or SESSION_TIMEOUT_DEFAULT),
    }


def principal_from_session(session: dict[str, Any], token_hash: str) -> Principal:
    return Principal(
        user_id=int(session["user_id"]),
        provedor_id=session.get("provedor_id"),
        user_type=UserType(session["user_type"]),
        username=session["username"],
        first_name=session.get("first_name", ""),
        permissions=frozenset(session.get("permissions") or []),
        session_timeout=int(session.get("session_timeout") or SESSION_TIMEOUT_DEFAULT),
        token_hash=token_hash,
    )
