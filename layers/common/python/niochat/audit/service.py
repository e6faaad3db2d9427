"""Reading the audit log (entries are written by the services, in the transaction of the change)."""

from __future__ import annotations

from datetime import date

from pydantic import Field, field_validator

from niochat.models import RequestModel
from niochat.store import audit as store
from niochat.store import counters, pages
from niochat.store.pages import Partition


class AuditQuery(RequestModel):
    action: str | None = Field(None, max_length=64, pattern=r"^[a-z_]+$")
    user_id: int | None = None
    date_from: str | None = None
    date_to: str | None = None
    provedor: int | None = None

    @field_validator("date_from", "date_to")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if value is None:
            return None
        date.fromisoformat(value[:10])  # raises ValueError → 400
        return value


def listing(provedor_id: int, query: AuditQuery) -> tuple[Partition, int]:
    """The partition to page and its exact count (from counters when they cover the filters)."""
    partition = store.listing(provedor_id, query.action, query.user_id, query.date_from, query.date_to)
    if query.date_from or query.date_to or (query.action and query.user_id is not None):
        return partition, pages.count(partition)
    c = counters.read(provedor_id)
    if query.action:
        return partition, c.get(f"audit_a_{query.action}", 0)
    if query.user_id is not None:
        return partition, c.get(f"audit_u_{query.user_id}", 0)
    return partition, c.get("audit", 0)
