"""Optimistic locking for Collection items: every change bumps the item's `version`, and a change made from
version N only applies while the item is still at N. A lost race is a failed condition (answered 409)."""

from __future__ import annotations

from typing import Any

from niochat.store.collection import Collection
from niochat.store.table import Item


def _condition(expected: int) -> tuple[str, dict[str, Any]]:
    if expected == 0:  # an item written before it had a version
        return "attribute_exists(PK) AND attribute_not_exists(#version)", {}
    return "attribute_exists(PK) AND #version = :expected_version", {":expected_version": expected}


def update_op(collection: Collection, provedor_id: int, item_id: int, changes: Item, expected: int) -> dict[str, Any]:
    condition, values = _condition(expected)
    op = collection.update_op(provedor_id, item_id, {**changes, "version": expected + 1}, condition=condition)
    op["Update"]["ExpressionAttributeNames"]["#version"] = "version"
    op["Update"]["ExpressionAttributeValues"].update(values)
    return op


def delete_op(collection: Collection, provedor_id: int, item_id: int, expected: int) -> dict[str, Any]:
    condition, values = _condition(expected)
    pk, sk = collection.key(provedor_id, item_id)
    spec: dict[str, Any] = {
        "Key": {"PK": pk, "SK": sk},
        "ConditionExpression": condition,
        "ExpressionAttributeNames": {"#version": "version"},
    }
    if values:
        spec["ExpressionAttributeValues"] = values
    return {"Delete": spec}
