"""moto's DynamoDB Streams as the stream pump needs them.

- Stream reads take the requests' lock (`atomic.lock`), so a reader never sees the first records of a
  transaction that is still applying (or about to be rolled back: `transactions` then drops them).
- `trim` drops records already delivered: moto keeps every record of the table's life otherwise.
"""

from __future__ import annotations

import functools
from typing import Any

from infra.moto_patches import atomic


def install() -> None:
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    for name in ("describe_stream", "get_shard_iterator", "get_records"):
        original = getattr(DynamoDBStreamsBackend, name)

        @functools.wraps(original)
        def locked(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with atomic.lock:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBStreamsBackend, name, locked)


def trim(table: Any, through_sequence: str) -> int:
    """Drop the records of `table`'s stream (a moto Table) up to `through_sequence`, delivered already;
    how many were dropped. Iterators past them keep working (records keep their sequence numbers)."""
    with atomic.lock:
        shard = table.stream_shard
        if shard is None:
            return 0
        count = max(0, min(len(shard.items), int(through_sequence) - shard.starting_sequence_number + 1))
        del shard.items[:count]
        shard.starting_sequence_number += count
        return count
