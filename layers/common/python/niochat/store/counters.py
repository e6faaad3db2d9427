"""Exact per-provedor counters, one item per provedor (`P#<id>`, `COUNTERS`), moved in the same
transaction as the write they count. Names are kinds ("contact", "team"...) or kind-qualified
("conversation_open")."""

from __future__ import annotations

from typing import Any

from niochat.store import keys
from niochat.store.table import table

PLATFORM = ("PLATFORM", "COUNTERS")


def add_op(provedor_id: int | None, name: str, amount: int) -> dict[str, Any]:
    pk, sk = keys.counters(provedor_id) if provedor_id is not None else PLATFORM
    return {
        "Update": {
            "Key": {"PK": pk, "SK": sk},
            "UpdateExpression": "ADD #n :amount SET #type = :type",
            "ExpressionAttributeNames": {"#n": name, "#type": "type"},
            "ExpressionAttributeValues": {":amount": amount, ":type": "counters"},
        }
    }


def read_item(provedor_id: int) -> dict[str, Any]:
    """The provedor's COUNTERS item as stored ({} before its first counter moves)."""
    return table().get(*keys.counters(provedor_id), consistent=True) or {}


def read(provedor_id: int | None) -> dict[str, int]:
    pk, sk = keys.counters(provedor_id) if provedor_id is not None else PLATFORM
    item = table().get(pk, sk, consistent=True) or {}
    return {k: int(v) for k, v in item.items() if isinstance(v, int) and k not in ("PK", "SK")}


def add_many_op(provedor_id: int, amounts: dict[str, int]) -> dict[str, Any]:
    """One update moving several counters of a provedor at once."""
    pk, sk = keys.counters(provedor_id)
    names = {f"#c{i}": name for i, name in enumerate(amounts)}
    values: dict[str, Any] = {f":c{i}": amount for i, amount in enumerate(amounts.values())}
    values[":type"] = "counters"
    adds = ", ".join(f"#c{i} :c{i}" for i in range(len(amounts)))
    return {
        "Update": {
            "Key": {"PK": pk, "SK": sk},
            "UpdateExpression": f"ADD {adds} SET #type = :type",
            "ExpressionAttributeNames": {**names, "#type": "type"},
            "ExpressionAttributeValues": values,
        }
    }
