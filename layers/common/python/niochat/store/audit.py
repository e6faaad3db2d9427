"""Audit log: PK `P#<p>#AUDIT`, SK `<timestamp>#<id>`, newest first by Query; GSI1 by action
(`P#<p>#AUDIT#A#<action>`) and GSI2 by user (`P#<p>#AUDIT#U#<user>`), same sort key, so every filter and
date range is a key condition. Counters: `audit`, `audit_a_<action>`, `audit_u_<user>`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from niochat.store import keys
from niochat.store.pages import Partition
from niochat.store.writes import Put


def pk(provedor_id: int) -> str:
    return f"{keys.tenant(provedor_id)}#AUDIT"


def action_pk(provedor_id: int, action: str) -> str:
    return f"{pk(provedor_id)}#A#{action}"


def user_pk(provedor_id: int, user_id: int | None) -> str:
    return f"{pk(provedor_id)}#U#{'none' if user_id is None else user_id}"


def counter_amounts(entry: Mapping[str, Any]) -> dict[str, int]:
    return {"audit": 1, f"audit_a_{entry['action']}": 1, f"audit_u_{entry.get('user_id') or 'none'}": 1}


def put_op(provedor_id: int, entry: Mapping[str, Any]) -> Put:
    sort = f"{entry['timestamp']}#{keys.pad(entry['id'])}"
    item = {
        **entry,
        "PK": pk(provedor_id),
        "SK": sort,
        "type": "audit_log",
        "provedor_id": provedor_id,
        "GSI1PK": action_pk(provedor_id, entry["action"]),
        "GSI1SK": sort,
        "GSI2PK": user_pk(provedor_id, entry.get("user_id")),
        "GSI2SK": sort,
    }
    return Put(f"audit {sort}", item)


def listing(
    provedor_id: int, action: str | None, user_id: int | None, date_from: str | None, date_to: str | None
) -> Partition:
    """The partition (and key range) for these filters; action and user together filter on the user."""
    if action:
        partition_key, index = action_pk(provedor_id, action), "GSI1"
    elif user_id is not None:
        partition_key, index = user_pk(provedor_id, user_id), "GSI2"
    else:
        partition_key, index = pk(provedor_id), None
    condition = ""
    values: dict[str, Any] = {}
    if date_from and date_to:
        condition, values = "#sk BETWEEN :from AND :to", {":from": date_from, ":to": date_to + "~"}
    elif date_from:
        condition, values = "#sk >= :from", {":from": date_from}
    elif date_to:
        condition, values = "#sk <= :to", {":to": date_to + "~"}
    filter_expression = None
    if action and user_id is not None:
        filter_expression, values = "user_id = :uid", {**values, ":uid": user_id}
    return Partition(
        partition_key,
        index_name=index,
        sk_condition=condition,
        values=values,
        forward=False,
        filter_expression=filter_expression,
    )
