"""Queries served from a sorted index per partition, not from every item of the table.

moto 5.2.5's `Table.query` builds `all_items()` (every item of the table, sorted) on each call, keeps those
of the partition, sorts them, and walks them from the start to the ExclusiveStartKey: a 20-item GSI page
costs as much as the table is big. Here each table keeps, per partition of the table and of each GSI, its
items' keys in moto's query order, updated on every item change (the `items.after` seam); a query bisects to
its ExclusiveStartKey and its key condition and reads only the page.

The page is then built exactly as moto builds it, so results, order, LastEvaluatedKey, ScannedCount,
projections and filters are the same (`tests/unit/test_moto_patches.py` checks it against plain moto):
- order within a partition: the index sort key, then the table's hash and range key (moto's tie-break);
- a key condition selects a contiguous run of that order (=, <, <=, >, >=, BETWEEN, begins_with);
- moto stops at the first candidate of the partition after `Limit` results, matching or not, and only
  then returns a LastEvaluatedKey: so does this (a partition with more items after the page, even outside
  the key condition, ends the page with a LastEvaluatedKey);
- the 1 MB page limit, as moto counts it.
Anything else (QueryFilter/KeyConditions filters, local or multi-attribute indexes, key values of another
type than the attribute definition, a partial ExclusiveStartKey) is left to moto's own query.
"""

from __future__ import annotations

import copy
import functools
import weakref
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Sequence
from typing import Any

from infra.moto_patches import items

RANGE_OPERATORS = {"=": 1, "<": 1, "<=": 1, ">": 1, ">=": 1, "BETWEEN": 2, "BEGINS_WITH": 1}
# DynamoDB's item size limit (moto enforces it on writes): a page's 1 MB limit can only be reached by a
# candidate after the page when the page is within this of it.
MAX_ITEM_SIZE = 400 * 1024
# (sort values, table hash key, table range key): the sort values are the casts moto compares.
Entry = tuple[tuple[Any, ...], Any, Any]


def _sort_values(entry: Entry) -> tuple[Any, ...]:
    return entry[0]


def _first_value(entry: Entry) -> Any:
    return entry[0][0]


class _Index:
    """One table's (index None) or one GSI's partitions, each a list of entries in moto's query order."""

    def __init__(self, table: Any, gsi: Any | None) -> None:
        types = {a["AttributeName"]: a["AttributeType"] for a in table.attr}
        if gsi is None:
            self.hash_attr: str = table.hash_key_attr
            self.range_attr: str = table.range_key_attr
        else:
            self.hash_attr = next(k["AttributeName"] for k in gsi.schema if k["KeyType"] == "HASH")
            self.range_attr = next(k["AttributeName"] for k in gsi.schema if k["KeyType"] == "RANGE")
        self.is_gsi = gsi is not None
        self.hash_type = types.get(self.hash_attr)
        self.range_type = types.get(self.range_attr)
        # The ExclusiveStartKey attributes moto compares, after the partition's (in order).
        self.sort_attrs = [self.range_attr] + ([table.hash_key_attr, table.range_key_attr] if gsi else [])
        self.key_types = {self.hash_attr: self.hash_type, self.range_attr: self.range_type}
        self.key_types.update({table.hash_key_attr: table.hash_key_type, table.range_key_attr: table.range_key_type})
        # Set when an item holds a key attribute of another type than defined: moto's own query then.
        self.irregular = False
        self.partitions: dict[Any, list[Entry]] = {}
        self._where: dict[tuple[Any, Any], tuple[Any, Entry]] = {}
        built: dict[Any, list[Entry]] = {}
        for hash_key, partition in table.items.items():
            for range_key, item in partition.items():
                placed = self._entry(item)
                if placed is not None:
                    built.setdefault(placed[0], []).append(placed[1])
                    self._where[(hash_key, range_key)] = placed
        for partition_key, entries in built.items():
            entries.sort(key=_sort_values)
            self.partitions[partition_key] = entries

    def _entry(self, item: Any) -> tuple[Any, Entry] | None:
        if not self.is_gsi:
            return item.hash_key, ((item.range_key.cast_value,), item.hash_key, item.range_key)
        partition, sort = item.attrs.get(self.hash_attr), item.attrs.get(self.range_attr)
        if partition is None or sort is None:  # not in the index (moto's rule: every key attribute present)
            return None
        if partition.type != self.hash_type or sort.type != self.range_type:
            self.irregular = True
            return None
        values = (sort.cast_value, item.hash_key.cast_value, item.range_key.cast_value)
        return partition, (values, item.hash_key, item.range_key)

    def update(self, table: Any, hash_key: Any, range_key: Any) -> None:
        old = self._where.pop((hash_key, range_key), None)
        if old is not None:
            entries = self.partitions[old[0]]
            del entries[bisect_left(entries, old[1][0], key=_sort_values)]
            if not entries:
                del self.partitions[old[0]]
        item = items.current(table, hash_key, range_key)
        placed = self._entry(item) if item is not None else None
        if placed is not None:
            insort(self.partitions.setdefault(placed[0], []), placed[1], key=_sort_values)
            self._where[(hash_key, range_key)] = placed


class _TableIndexes:
    def __init__(self, table: Any) -> None:
        self.table = table
        self.by_name: dict[str | None, tuple[tuple[Any, ...], _Index]] = {}

    def get(self, index_name: str | None) -> _Index | None:
        """The index (built on first use), or None when moto's own query must answer."""
        table = self.table
        if table.range_key_attr is None:
            return None
        if index_name is None:
            shape: tuple[Any, ...] = ()
            gsi = None
        else:
            gsi = next((i for i in table.global_indexes if i.name == index_name), None)
            if gsi is None or [k["KeyType"] for k in gsi.schema] != ["HASH", "RANGE"]:
                return None
            shape = tuple(k["AttributeName"] for k in gsi.schema)
        known = self.by_name.get(index_name)
        if known is None or known[0] != shape:
            known = (shape, _Index(table, gsi))
            self.by_name[index_name] = known
        return None if known[1].irregular else known[1]

    def update(self, hash_key: Any, range_key: Any) -> None:
        for _, index in self.by_name.values():
            index.update(self.table, hash_key, range_key)


_tables: weakref.WeakKeyDictionary[Any, _TableIndexes] = weakref.WeakKeyDictionary()


def _changed(table: Any, hash_key: Any, range_key: Any, applied: bool) -> None:
    indexes = _tables.get(table)
    if indexes is not None:
        indexes.update(hash_key, range_key)


def _bounds(entries: list[Entry], operator: str | None, values: Sequence[Any]) -> tuple[int, int] | None:
    """The run of `entries` whose first sort value meets the key condition (None: moto decides)."""
    n = len(entries)
    if operator is None:
        return 0, n
    value = values[0]
    if operator == "=":
        return bisect_left(entries, value, key=_first_value), bisect_right(entries, value, key=_first_value)
    if operator == "<":
        return 0, bisect_left(entries, value, key=_first_value)
    if operator == "<=":
        return 0, bisect_right(entries, value, key=_first_value)
    if operator == ">":
        return bisect_right(entries, value, key=_first_value), n
    if operator == ">=":
        return bisect_left(entries, value, key=_first_value), n
    if operator == "BETWEEN":
        low = bisect_left(entries, value, key=_first_value)
        return low, max(low, bisect_right(entries, values[1], key=_first_value))
    # BEGINS_WITH, on strings: the run from the prefix up to the first string after every one it starts.
    if not isinstance(value, str):
        return None
    if not value:
        return 0, n
    if ord(value[-1]) == 0x10FFFF:
        return None
    after = value[:-1] + chr(ord(value[-1]) + 1)
    return bisect_left(entries, value, key=_first_value), bisect_left(entries, after, key=_first_value)


def _start_key(index: _Index, partition: Any, exclusive_start_key: Any) -> tuple[int, tuple[Any, ...]] | None:
    """(-1, 1 or 0 for the partition's key below, above or equal to the ExclusiveStartKey's, the sort values)
    or None when the key is not complete and well typed (moto decides)."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    if not isinstance(exclusive_start_key, dict):
        return None
    values = []
    for name in [index.hash_attr, *index.sort_attrs]:
        raw = exclusive_start_key.get(name)
        if not isinstance(raw, dict) or list(raw) != [index.key_types.get(name)]:
            return None
        values.append(DynamoType(raw).cast_value)
    own = partition.cast_value
    side = 0 if own == values[0] else (-1 if own < values[0] else 1)
    return side, tuple(values[1:])


def _query(
    table: Any,
    hash_key: Any,
    range_comparison: str | None,
    range_objs: list[Any],
    limit: int | None,
    exclusive_start_key: Any,
    scan_index_forward: bool,
    projection_expressions: Any,
    index_name: str | None = None,
    consistent_read: bool = False,
    filter_expression: Any = None,
    hash_key_conditions: list[tuple[str, Any]] | None = None,
    range_key_conditions: list[tuple[str, str, list[Any]]] | None = None,
    **filter_kwargs: Any,
) -> tuple[list[Any], int, dict[str, Any] | None] | None:
    """moto's query result from the index, or None when moto's own query must answer (the arguments are
    moto's Table.query's)."""
    from moto.dynamodb.models.table import RESULT_SIZE_LIMIT

    if filter_kwargs or (limit is not None and (not isinstance(limit, int) or limit < 1)):
        return None
    indexes = _tables.get(table)
    if indexes is None:
        indexes = _tables[table] = _TableIndexes(table)
    index = indexes.get(index_name)
    if index is None or (index.is_gsi and consistent_read):
        return None
    hash_conditions = hash_key_conditions or []
    if index.is_gsi:
        if len(hash_conditions) != 1 or hash_conditions[0][0] != index.hash_attr:
            return None
        partition = hash_conditions[0][1]
    else:
        if hash_key is None or any(name != index.hash_attr for name, _ in hash_conditions):
            return None
        partition = hash_key
    if partition.type != index.hash_type:
        return None
    conditions = range_key_conditions or []
    if len(conditions) > 1 or (conditions and conditions[0][0] != index.range_attr):
        return None
    if range_comparison is not None:
        if RANGE_OPERATORS.get(range_comparison) != len(range_objs) or not conditions:
            return None
        if any(value.type != index.range_type for value in range_objs):
            return None
    entries = index.partitions.get(partition, [])
    bounds = _bounds(entries, range_comparison, [value.cast_value for value in range_objs])
    if bounds is None:
        return None
    low, high = bounds
    n = len(entries)
    first, last = 0, n  # the candidates after the ExclusiveStartKey, in ascending order
    if exclusive_start_key is not None:
        start = _start_key(index, partition, exclusive_start_key)
        if start is None:
            return None
        side, values = start
        if scan_index_forward:
            first = n if side < 0 else 0 if side > 0 else bisect_right(entries, values, key=_sort_values)
        else:
            last = n if side < 0 else 0 if side > 0 else bisect_left(entries, values, key=_sort_values)
    if scan_index_forward:
        page = range(max(low, first), high)
        after = range(max(high, first), last)
    else:
        page = range(min(high, last) - 1, low - 1, -1)
        after = range(min(low, last) - 1, first - 1, -1)

    def item(position: int) -> Any:
        entry = entries[position]
        return items.current(table, entry[1], entry[2])

    results: list[Any] = []
    size = 0
    last_key = None
    stopped = False
    for position in page:
        candidate = item(position)
        if len(results) == limit or size + candidate.size() > RESULT_SIZE_LIMIT:
            last_key = table._get_last_evaluated_key(results[-1], index_name)
            stopped = True
            break
        results.append(candidate)
        size += candidate.size()
    # Past the page, moto ends it at the next candidate if the page is full (or would pass 1 MB with it).
    near_size_limit = size > RESULT_SIZE_LIMIT - MAX_ITEM_SIZE
    if (
        not stopped
        and results
        and after
        and (
            len(results) == limit
            or (near_size_limit and any(size + item(position).size() > RESULT_SIZE_LIMIT for position in after))
        )
    ):
        last_key = table._get_last_evaluated_key(results[-1], index_name)
    scanned = len(results)
    results = copy.deepcopy(results)
    if index_name:
        projection = table.get_index(index_name)
        results = [projection.project(r) for r in results]
    if filter_expression is not None:
        results = [r for r in results if filter_expression.expr(r)]
    if projection_expressions:
        results = [r.project(projection_expressions) for r in results]
    return results, scanned, last_key


def install() -> None:
    from moto.dynamodb.models.table import Table

    original: Callable[..., Any] = Table.query

    @functools.wraps(original)
    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        answer = _query(self, *args, **kwargs)
        return original(self, *args, **kwargs) if answer is None else answer

    Table.query = query  # type: ignore[method-assign]
    items.after.append(_changed)
