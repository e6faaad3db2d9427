"""Pages of several partitions that share one sort order (newest first), merged.

Used where a list is a union — an agent's conversations are theirs + their teams' unassigned ones + the
AI's. Every partition is read with a key condition relative to the cursor's sort value (`< older_than` or
`> newer_than`), size + 1 items each, so a page costs one bounded Query per partition.
"""

from __future__ import annotations

from typing import NamedTuple

from niochat.store.pages import Partition, Slice
from niochat.store.table import INDEX_KEYS, Item, table


class Position(NamedTuple):
    sort: str  # the index sort value of the item at the page's edge
    older: bool  # True: the page holds items older than `sort`; False: newer


def _read(partition: Partition, size: int, position: Position | None) -> list[Item]:
    condition, values, forward = partition.sk_condition, dict(partition.values), False
    if position is not None:
        edge = "#sk < :edge" if position.older else "#sk > :edge"
        condition = f"{condition} AND {edge}" if condition else edge
        values[":edge"] = position.sort
        forward = not position.older
    items: list[Item] = []
    start = None
    while len(items) < size:
        page = table().query(
            partition.pk,
            index=partition.index_name,
            sk_condition=condition,
            values=values,
            limit=size - len(items),
            forward=forward,
            start_key=start,
            filter_expression=partition.filter_expression,
            names=partition.names or None,
        )
        items.extend(page.items)
        if not page.last_key:
            break
        start = page.last_key
    return items


def sort_value(item: Item, partition: Partition) -> str:
    return item[INDEX_KEYS[partition.index_name][1]]


def newest_first(partitions: list[Partition], size: int, position: Position | None) -> Slice:
    merged: dict[tuple[str, str], tuple[str, Item]] = {}
    for partition in partitions:
        for item in _read(partition, size + 1, position):
            merged[(item["PK"], item["SK"])] = (sort_value(item, partition), item)
    ordered = sorted(merged.values(), key=lambda pair: pair[0], reverse=True)
    if position is None or position.older:
        window = [item for _, item in ordered[:size]]
        return Slice(window, has_before=position is not None, has_after=len(ordered) > size)
    window = [item for _, item in ordered[-size:]]
    return Slice(window, has_before=len(ordered) > size, has_after=True)
