"""Audit entries as the API (and the `audit_log` realtime event) shows them."""

from __future__ import annotations

from typing import Any, TypedDict

from niochat.domain.audit import AuditEntry
from niochat.domain.users import UserRef


class AuditEvent(TypedDict):
    """An entry as the `audit_log` realtime event carries it."""

    action: str
    details: dict[str, Any]
    user: UserRef | None
    timestamp: str


class AuditView(AuditEvent):
    id: int


def event_data(entry: AuditEntry) -> AuditEvent:
    return {
        "action": entry["action"],
        "details": entry.get("details") or {},
        "user": entry.get("user"),
        "timestamp": entry["timestamp"],
    }


def entry(item: AuditEntry) -> AuditView:
    return {"id": item["id"], **event_data(item)}
