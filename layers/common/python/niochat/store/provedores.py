"""Provedores (tenants)."""

from __future__ import annotations

from niochat.store import keys
from niochat.store.table import Item, table


def get(provedor_id: int) -> Item | None:
    return table().get(*keys.provedor(provedor_id))


def put_new(item: Item) -> None:
    pk, sk = keys.provedor(item["id"])
    table().put(
        {
            **item,
            "PK": pk,
            "SK": sk,
            "type": "provedor",
            "GSI1PK": keys.PROVEDORES_GSI1PK,
            "GSI1SK": keys.pad(item["id"]),
        },
        condition="attribute_not_exists(PK)",
    )


def update(provedor_id: int, changes: Item) -> Item:
    return table().set(*keys.provedor(provedor_id), changes)
