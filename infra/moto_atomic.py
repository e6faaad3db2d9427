"""Make moto's DynamoDB behave as DynamoDB does where the project depends on it.

- Writes are atomic under threads: moto applies a conditional write or a transaction in Python without a
  lock, so two threads can both pass the same condition; real DynamoDB never lets that happen. Reads take the
  same lock, so none sees a transaction half applied (DynamoDB isolates transactions from reads).
- A transaction takes up to 100 operations (DynamoDB's limit since 2022; moto still enforces 25).
The local stack and the integration tests call `install()` once.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

_lock = threading.RLock()
_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.dynamodb import responses
    from moto.dynamodb.models import DynamoDBBackend

    responses.TRANSACTION_MAX_ITEMS = 100

    writes = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
    for name in (*writes, "get_item", "query", "batch_get_item", "scan"):
        original = getattr(DynamoDBBackend, name)

        @functools.wraps(original)
        def locked(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with _lock:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, locked)
    _installed = True
