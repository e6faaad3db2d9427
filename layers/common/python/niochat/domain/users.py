"""Users, roles and the authenticated principal."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


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


@dataclass(frozen=True)
class Principal:
    """Who is calling: read from the token's session snapshot, trusted for the length of one request."""

    user_id: int
    provedor_id: int | None
    user_type: UserType
    username: str
    first_name: str = ""
    permissions: frozenset[str] = field(default_factory=frozenset)
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


def session_snapshot(user: dict) -> dict:
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


def principal_from_session(session: dict, token_hash: str) -> Principal:
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
