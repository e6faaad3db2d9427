"""The audit log."""

from __future__ import annotations

from infra.contract.schemas.common import Attributes, Person, Shape, Timestamp


class AuditEntry(Shape):
    id: int
    action: str
    details: Attributes
    user: Person | None
    timestamp: Timestamp
