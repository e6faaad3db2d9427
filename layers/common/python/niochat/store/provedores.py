"""Provedores (tenants): `P#<id>` / `PROVEDOR`, listed by id on GSI1 `PROVEDORES`, counted by the platform's
`provedor` counter moved in the transaction that creates one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from niochat.domain.provedores import Provedor
from niochat.store import counters, keys
from niochat.store.pages import Partition
from niochat.store.table import Item, table
from niochat.store.writes import Put, Update

COUNTER = "provedor"


def get(provedor_id: int) -> Provedor | None:
    return cast("Provedor | None", table().get(*keys.provedor(provedor_id)))


def put_new(item: Mapping[str, Any]) -> None:
    pk, sk = keys.provedor(item["id"])
    full = {
        **item,
        "PK": pk,
        "SK": sk,
        "type": "provedor",
        "GSI1PK": keys.PROVEDORES_GSI1PK,
        "GSI1SK": keys.pad(item["id"]),
    }
    table().transact([Put("provedor", full).when_absent(), counters.add_op(None, COUNTER, 1)])


def update(provedor_id: int, changes: Item) -> Provedor:
    """SET `changes` on the existing provedor and return it as it is after; ConditionFailed when it is gone."""
    op = Update("provedor", *keys.provedor(provedor_id)).set_all(changes).when_exists()
    return cast(Provedor, table().write(op, returning="new"))


def partition() -> Partition:
    return Partition(keys.PROVEDORES_GSI1PK, index_name="GSI1")


def count() -> int:
    return counters.read(None).get(COUNTER, 0)
