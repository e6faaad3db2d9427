"""Pages of one partition, read with a bounded Query: page_size + 1 items, whatever the table's size.

A page starts after a key (next), ends before a key (previous), or, for `page=N` without a cursor, after
skipping (N-1)*page_size keys with keys-only reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from niochat.store.table import INDEX_KEYS, Item, Key, Page, key_of, table


class Partition(NamedTuple):
    """One list: a partition key on the table or an index, optionally narrowed by a sort-key condition."""

    pk: str
    index_name: str | None = None  # the index the list is read from (None: the table itself)
    sk_condition: str = ""
    values: Mapping[str, Any] = MappingProxyType({})
    forward: bool = True  # sort-key order of the list (False: newest first)
    filter_expression: str | None = None
    names: Mapping[str, str] = MappingProxyType({})

    def owns(self, key: Key) -> bool:
        """A cursor key is only accepted for the partition it came from (tenant safety)."""
        pk_name, _ = INDEX_KEYS[self.index_name]
        return key.get(pk_name) == self.pk


class Slice(NamedTuple):
    items: list[Item]
    has_before: bool
    has_after: bool


def _query(partition: Partition, limit: int, forward: bool, start: Key | None, keys_only: bool = False) -> Page:
    return table().query(
        partition.pk,
        index=partition.index_name,
        sk_condition=partition.sk_condition,
        values=partition.values,
        limit=limit,
        forward=forward,
        start_key=start,
        filter_expression=partition.filter_expression,
        names=partition.names or None,
        keys_only=keys_only,
    )


def _collect(partition: Partition, wanted: int, forward: bool, start: Key | None) -> list[Item]:
    """Up to `wanted` items from `start`; loops only when a filter expression drops items."""
    items: list[Item] = []
    while len(items) < wanted:
        page = _query(partition, wanted - len(items), forward, start)
        items.extend(page.items)
        if not page.last_key:
            break
        start = page.last_key
    return items


def after(partition: Partition, size: int, key: Key | None) -> Slice:
    items = _collect(partition, size + 1, partition.forward, key)
    return Slice(items[:size], has_before=key is not None, has_after=len(items) > size)


def before(partition: Partition, size: int, key: Key) -> Slice:
    items = _collect(partition, size + 1, not partition.forward, key)
    return Slice(list(reversed(items[:size])), has_before=len(items) > size, has_after=True)


def skip_to(partition: Partition, skip: int) -> Key | None:
    """The key after which item number `skip` + 1 starts, or None when the list is shorter
    (keys-only reads; used for `page=N` without a cursor)."""
    start: Key | None = None
    remaining = skip
    while remaining > 0:
        page = _query(partition, min(remaining, 1000), partition.forward, start, keys_only=True)
        if page.items:
            remaining -= len(page.items)
            start = key_of(page.items[-1], partition.index_name)
        elif page.last_key:  # a filter dropped this whole read
            start = page.last_key
        if remaining > 0 and not page.last_key:
            return None
    return start


def cursor_key(item: Item, partition: Partition) -> Key:
    return key_of(item, partition.index_name)


def count(partition: Partition) -> int:
    """How many items match (Select=COUNT: one call per MB of matching keys). For filter combinations that
    no counter covers; its cost grows with the matches, not with the table."""
    client = table().client
    pk_name, sk_name = INDEX_KEYS[partition.index_name]
    condition = "#pk = :pk" + (f" AND {partition.sk_condition}" if partition.sk_condition else "")
    names = {"#pk": pk_name, **({"#sk": sk_name} if "#sk" in partition.sk_condition else {}), **partition.names}
    kwargs: dict[str, Any] = {
        "TableName": table().name,
        "KeyConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": table().codec.dump_values({":pk": partition.pk, **partition.values}),
        "Select": "COUNT",
    }
    if partition.index_name:
        kwargs["IndexName"] = partition.index_name
    if partition.filter_expression:
        kwargs["FilterExpression"] = partition.filter_expression
    total = 0
    while True:
        raw = client.query(**kwargs)
        total += raw["Count"]
        if not raw.get("LastEvaluatedKey"):
            return total
        kwargs["ExclusiveStartKey"] = raw["LastEvaluatedKey"]
