"""Make moto's DynamoDB writes atomic under threads, as DynamoDB's are.

moto applies a conditional write or a transaction in Python without a lock, so two threads can both pass
the same condition; real DynamoDB never lets that happen. The local stack and the tests that race writes
call `install()` once so that conditional writes behave as they do on AWS.
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
    from moto.dynamodb.models import DynamoDBBackend

    for name in ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item"):
        original = getattr(DynamoDBBackend, name)

        @functools.wraps(original)
        def locked(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with _lock:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, locked)
    _installed = True
