"""Audit entries: the stored item and its one constructor (written in the transaction of the change)."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from niochat.domain.users import Principal, UserRef, reference


class AuditEntry(TypedDict):
    """An audit entry as stored (the store adds keys by time, action and user). `user_id` and `user` are
    absent for the system's own actions (the store drops attributes whose value is None)."""

    id: int
    provedor_id: int
    action: str  # e.g. "conversation_assigned" (niochat.domain.conversations.AUDIT_ACTIONS)
    details: dict[str, Any]
    user_id: NotRequired[int | None]
    user: NotRequired[UserRef | None]
    timestamp: str


def new_entry(
    entry_id: int, provedor_id: int, action: str, actor: Principal | None, details: dict[str, Any], now: str
) -> AuditEntry:
    """`actor`: who acted; None for the system (e.g. a conversation opened by an incoming message)."""
    return {
        "id": entry_id,
        "provedor_id": provedor_id,
        "action": action,
        "details": details,
        "user_id": actor.user_id if actor else None,
        "user": reference(actor) if actor else None,
        "timestamp": now,
    }
