"""The one seam where moto changes a stored item, observed.

moto changes an item in three places: `Table.put_item` (replaces it), `Table.delete_item` (removes it) and
`DynamoDBBackend.update_item` (changes the stored Item in place, or puts a new one first). Each is wrapped so
that `before` observers run before the item can change (the transactions' undo record) and `after`
observers run once it may have (the query index; the write boundary's change list, when it was applied).
`restore` puts an earlier state back through the same observers (a rollback).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from infra.moto_patches import atomic

# (table, hash key, range key) → None; DynamoType keys, as moto's Table.items holds them.
Before = Callable[[Any, Any, Any], None]
# (table, hash key, range key, applied): applied is False when the call raised or deleted nothing.
After = Callable[[Any, Any, Any, bool], None]

before: list[Before] = []
after: list[After] = []


def current(table: Any, hash_key: Any, range_key: Any) -> Any:
    """The stored Item at the key or None, without moto's defaultdict adding an empty partition."""
    partition = table.items.get(hash_key)
    if partition is None:
        return None
    if table.range_key_attr is None:
        return partition
    return partition.get(range_key)


def restore(table: Any, hash_key: Any, range_key: Any, item: Any) -> None:
    """Put `item` (an Item, or None: absent) back at the key, as it was before a rolled-back change."""
    if table.range_key_attr is None:
        if item is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = item
    elif item is None:
        partition = table.items.get(hash_key)
        if partition is not None:
            partition.pop(range_key, None)
    else:
        table.items[hash_key][range_key] = item
    for observer in after:
        observer(table, hash_key, range_key, True)


def _notify_after(table: Any, hash_key: Any, range_key: Any, applied: bool) -> None:
    for observer in after:
        observer(table, hash_key, range_key, applied)


def _key_of(table: Any, attrs: dict[str, Any]) -> tuple[Any, Any] | None:
    """The (hash, range) DynamoType key of an item or key dict; None when it lacks one (moto raises)."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    if table.hash_key_attr not in attrs:
        return None
    if table.range_key_attr is None:
        return DynamoType(attrs[table.hash_key_attr]), None
    if table.range_key_attr not in attrs:
        return None
    return DynamoType(attrs[table.hash_key_attr]), DynamoType(attrs[table.range_key_attr])


def _record(table: Any, hash_key: Any, range_key: Any, applied: bool) -> None:
    if applied:
        atomic.record(atomic.ItemChange(table, hash_key, range_key))


def install() -> None:
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    put, delete, update = Table.put_item, Table.delete_item, DynamoDBBackend.update_item

    @functools.wraps(put)
    def put_item(self: Any, item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        try:
            key = _key_of(self, item_attrs)
        except Exception:  # a malformed value: moto's own validation says what is wrong
            key = None
        if key is None:
            return put(self, item_attrs, *args, **kwargs)
        for observer in before:
            observer(self, *key)
        applied = False
        try:
            result = put(self, item_attrs, *args, **kwargs)
            applied = True
            return result
        finally:
            _notify_after(self, *key, applied)

    @functools.wraps(delete)
    def delete_item(self: Any, hash_key: Any, range_key: Any) -> Any:
        for observer in before:
            observer(self, hash_key, range_key)
        result = None
        try:
            result = delete(self, hash_key, range_key)
            return result
        finally:
            _notify_after(self, hash_key, range_key, result is not None)

    @functools.wraps(update)
    def update_item(self: Any, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        try:
            table = self.get_table(table_name)
            item_key = _key_of(table, key)
        except Exception:
            item_key = None
        if item_key is None:  # a missing table or key: moto raises the error DynamoDB would
            return update(self, table_name, key, *args, **kwargs)
        for observer in before:
            observer(table, *item_key)
        applied = False
        try:
            result = update(self, table_name, key, *args, **kwargs)
            applied = True
            return result
        finally:
            _notify_after(table, *item_key, applied)

    Table.put_item = put_item  # type: ignore[method-assign]
    Table.delete_item = delete_item  # type: ignore[method-assign]
    DynamoDBBackend.update_item = update_item  # type: ignore[method-assign]
    after.append(_record)
