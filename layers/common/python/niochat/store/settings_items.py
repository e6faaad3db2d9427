"""A provedor's settings items (CSAT, integrations, recovery…): written whole, conditional on the version read,
so of two admins saving at once one gets a 409."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from niochat import clock
from niochat.errors import Conflict
from niochat.store.table import Item, table
from niochat.store.writes import ConditionFailed, Put, field

RACE = "As configurações mudaram ao mesmo tempo. Tente novamente"


def save(
    key: tuple[str, str],
    kind: str,
    provedor_id: int,
    stored: Mapping[str, Any],
    changes: Mapping[str, Any],
    extra: list[Any] | None = None,
    race: str = RACE,
) -> Item:
    """`stored` with `changes` (a None value removes the attribute), version + 1, with `extra` in the same
    transaction; Conflict(`race`) when the item changed since it was read."""
    version = int(stored.get("version") or 0)
    item = {**stored, **changes, "PK": key[0], "SK": key[1], "type": kind, "provedor_id": provedor_id,
            "updated_at": clock.iso(), "version": version + 1}  # fmt: skip
    item = {name: value for name, value in item.items() if value is not None}
    put = Put("settings", item)
    if stored:
        put.when(field("version").eq(version))
    else:
        put.when_absent()
    try:
        table().transact([put, *(extra or [])])
    except ConditionFailed as failed:
        if failed.on("settings"):
            raise Conflict(race) from None
        raise
    return item
