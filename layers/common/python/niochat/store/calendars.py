"""A provedor's report calendar: `P#<p>` / `CALENDAR` {type: calendar, timezone, business_hours: {<weekday>:
["HH:MM-HH:MM", …]}, updated_at}. Absent until an admin sets it (niochat.domain.calendar's defaults apply)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from niochat.domain.calendar import Calendar, of_settings
from niochat.store import keys
from niochat.store.table import Item, table
from niochat.store.writes import Put

CALENDAR = "calendar"


def key(provedor_id: int) -> tuple[str, str]:
    return keys.tenant(provedor_id), "CALENDAR"


def read(provedor_id: int) -> Item | None:
    return table().get(*key(provedor_id), consistent=True)


def calendar(provedor_id: int) -> Calendar:
    return of_settings(read(provedor_id))


def calendars(provedor_ids: Iterable[int]) -> dict[int, Calendar]:
    """The calendars of several provedores with one BatchGetItem (the stream's batches)."""
    wanted = sorted(set(provedor_ids))
    found = {int(item["provedor_id"]): item for item in table().batch_get([key(p) for p in wanted])}
    return {p: of_settings(found.get(p)) for p in wanted}


def put_op(provedor_id: int, values: dict[str, Any]) -> Put:
    pk, sk = key(provedor_id)
    return Put("calendar", {"PK": pk, "SK": sk, "type": CALENDAR, "provedor_id": provedor_id, **values})
