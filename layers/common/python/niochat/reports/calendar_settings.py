"""The provedor's report calendar (time zone and opening hours): read by anyone of the provedor, changed by its
admins. A change applies to the facts counted from then on; `python -m niochat.reports.recount <provedor>`
recounts the past with it."""

from __future__ import annotations

from typing import Any

from niochat import clock
from niochat.domain import calendar
from niochat.domain.users import Principal
from niochat.errors import PermissionDenied
from niochat.reports.models import CalendarPatch
from niochat.store import calendars
from niochat.store.table import table


def read(provedor_id: int) -> dict[str, Any]:
    stored = calendars.read(provedor_id)
    return {
        "provedor": provedor_id,
        **calendar.of_settings(stored).view(),
        "updated_at": (stored or {}).get("updated_at"),
    }


def update(caller: Principal, provedor_id: int, patch: CalendarPatch) -> dict[str, Any]:
    if not (caller.is_admin or caller.is_superadmin):
        raise PermissionDenied("Apenas administradores podem alterar o fuso horário e o horário de atendimento")
    current = calendar.of_settings(calendars.read(provedor_id)).view()
    hours = dict(current["business_hours"])
    hours.update(patch.business_hours or {})
    values = {
        "timezone": patch.timezone or current["timezone"],
        "business_hours": {day: periods for day, periods in hours.items() if periods},
        "updated_at": clock.iso(),
    }
    table().write(calendars.put_op(provedor_id, values))
    return read(provedor_id)
