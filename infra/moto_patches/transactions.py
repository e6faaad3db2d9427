"""TransactWriteItems rolled back from an undo record of the items it touched.

moto 5.2.5's `DynamoDBBackend.transact_write_items` deep-copies every table a transaction names, once per
operation, before applying anything, and on a failure puts the copies in the tables' place: the cost of
every transaction grows with the table (3 s for 4 operations at 30,000 items). Here moto's own loop still
decides everything (conditions, the order operations apply in, the cancellation reasons), but its
`copy.deepcopy` of a Table returns the table itself, so the "backup" costs nothing and its restore is a
no-op; instead, each item is copied just before the transaction first changes it (the `items.before`
seam), and a failure puts those copies back, newest first, and drops the stream records the transaction
appended. The same tables and shard objects stay in place, so stream readers are never stranded.
"""

from __future__ import annotations

import copy
import functools
import threading
from typing import Any

from infra.moto_patches import atomic, items

_local = threading.local()


class _TablesNotCopied:
    """moto's `copy` module for dynamodb.models: a deepcopy of a Table is the table (see the docstring)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        from moto.dynamodb.models.table import Table

        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _remember(table: Any, hash_key: Any, range_key: Any) -> None:
    undo: dict[tuple[int, Any, Any], tuple[Any, Any, Any, Any]] | None = getattr(_local, "undo", None)
    if undo is None:
        return
    key = (id(table), hash_key, range_key)
    if key not in undo:  # the state before the transaction's first change of this item
        earlier = items.current(table, hash_key, range_key)
        undo[key] = (table, hash_key, range_key, copy.deepcopy(earlier) if earlier is not None else None)


def install() -> None:
    import moto.dynamodb.models as models

    transact = models.DynamoDBBackend.transact_write_items

    @functools.wraps(transact)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        shards = [t.stream_shard for t in self.tables.values() if t.stream_shard is not None]
        lengths = [(shard, len(shard.items)) for shard in shards]
        mark = atomic.savepoint()
        _local.undo = {}
        try:
            return transact(self, transact_items)
        except BaseException:
            for table, hash_key, range_key, earlier in reversed(list(_local.undo.values())):
                items.restore(table, hash_key, range_key, earlier)
            for shard, length in lengths:
                del shard.items[length:]
            atomic.rollback_to(mark)
            raise
        finally:
            _local.undo = None

    models.copy = _TablesNotCopied()  # type: ignore[assignment]
    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    items.before.append(_remember)
