"""Exact per-provedor counters, one item per provedor (`P#<id>`, `COUNTERS`), moved in the same
transaction as the write they count. Names are kinds ("contact", "team"...) or kind-qualified
("conversation_open")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from niochat.store import keys
from niochat.store.table import table
from niochat.store.writes import Update

PLATFORM = ("PLATFORM", "COUNTERS")


def add_op(provedor_id: int | None, name: str, amount: int) -> Update:
    return add_many_op(provedor_id, {name: amount})


def read_item(provedor_id: int) -> dict[str, Any]:
    """The provedor's COUNTERS item as stored ({} before its first counter moves)."""
    return table().get(*keys.counters(provedor_id), consistent=True) or {}


def read(provedor_id: int | None) -> dict[str, int]:
    pk, sk = keys.counters(provedor_id) if provedor_id is not None else PLATFORM
    item = table().get(pk, sk, consistent=True) or {}
    return {k: int(v) for k, v in item.items() if isinstance(v, int) and k not in ("PK", "SK")}


def add_many_op(provedor_id: int | None, amounts: Mapping[str, int]) -> Update:
    """One update moving several counters of a provedor (or the platform's) at once, labelled by the item."""
    pk, sk = keys.counters(provedor_id) if provedor_id is not None else PLATFORM
    update = Update(f"counters {pk}", pk, sk).set("type", "counters")
    for name, amount in amounts.items():
        update.add(name, amount)
    return update
