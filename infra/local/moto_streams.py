"""moto's DynamoDB Streams as realtime needs them on the local stack.

moto rolls a refused transaction back by putting a copy of the table taken before it in the table's
place — its stream shard included. Left alone, that has two effects on the stream pump:
- a reader holding the old shard (the pump's iterator) never sees another record: realtime stops after
  the first refused transaction (a 409 race, a duplicate webhook);
- a reader can fetch the records of the refused transaction's first writes before the rollback: events
  for changes that never happened.
So stream reads here wait for writes (moto_atomic's lock), and a rollback restores the earlier state into
the original table and shard objects. Two costs that grow with the stack's lifetime go too: a transaction
copies each table once instead of once per item it writes, and the records the pump has delivered are
dropped (`trim`) — moto keeps every record otherwise, and every transaction's copy includes them.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from infra import moto_atomic

_installed = False


class _OneCopyEach:
    """`copy` for moto during one transaction: deepcopy of an object already copied returns that copy."""

    def __init__(self) -> None:
        self._copies: dict[int, Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        if id(value) not in self._copies:
            self._copies[id(value)] = copy.deepcopy(value, memo)
        return self._copies[id(value)]


def _restore(table: Any, earlier: Any) -> None:
    """Give `table` (and its shard) the state of `earlier`, the copy moto took before the transaction."""
    shard = table.stream_shard
    table.__dict__.update(earlier.__dict__)
    if shard is not None and earlier.stream_shard is not None:
        shard.__dict__.update(earlier.stream_shard.__dict__)
        shard.table = table
        table.stream_shard = shard


def install() -> None:
    global _installed
    if _installed:
        return
    import moto.dynamodb.models as models
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    moto_atomic.install()
    lock = moto_atomic._lock  # the writes' lock: stream reads must not see a transaction half done
    transact = models.DynamoDBBackend.transact_write_items

    @functools.wraps(transact)
    def transact_write_items(self: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            tables = dict(self.tables)
            models.copy = _OneCopyEach()  # type: ignore[assignment]
            try:
                return transact(self, *args, **kwargs)
            finally:
                models.copy = copy
                for name, table in tables.items():
                    earlier = self.tables.get(name)
                    if earlier is not None and earlier is not table:  # rolled back
                        _restore(table, earlier)
                        self.tables[name] = table

    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    for name in ("describe_stream", "get_shard_iterator", "get_records"):
        original = getattr(DynamoDBStreamsBackend, name)

        @functools.wraps(original)
        def locked(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with lock:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBStreamsBackend, name, locked)
    _installed = True


def trim(table: Any, through_sequence: str) -> int:
    """Drop the records of `table`'s stream (a moto Table) up to `through_sequence`, delivered already;
    how many were dropped. Iterators past them keep working (records keep their sequence numbers)."""
    with moto_atomic._lock:
        shard = table.stream_shard
        if shard is None:
            return 0
        count = max(0, min(len(shard.items), int(through_sequence) - shard.starting_sequence_number + 1))
        del shard.items[:count]
        shard.starting_sequence_number += count
        return count
