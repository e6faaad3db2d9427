"""One lock for every DynamoDB request, and the write boundary: what a write request changed, handed to
listeners before its answer leaves.

A listener gets the request's changes (each item or object once, in the order first changed) while the lock
is still held, so listeners see changes in the order they were applied; it may return a callable, run after
the lock is released and before the answer is returned (the journal appends under the lock and syncs
outside it, so concurrent writers share one fsync).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

lock = threading.RLock()

TRANSACTION_MAX_ITEMS = 100
_READS = ("get_item", "query", "scan", "batch_get_item", "transact_get_items")
_WRITES = (
    "put_item",
    "update_item",
    "delete_item",
    "batch_write_item",
    "transact_write_items",
    "execute_statement",
    "execute_transaction",
    "batch_execute_statement",
)


@dataclass(frozen=True)
class ItemChange:
    """A table item that a write request put, updated or deleted (moto's Table and key values)."""

    table: Any
    hash_key: Any
    range_key: Any


@dataclass(frozen=True)
class ObjectChange:
    """A bucket object that a write request put or deleted (moto's S3 backend)."""

    backend: Any
    bucket: str
    key: str


Change = ItemChange | ObjectChange
Listener = Callable[[list[Change]], Callable[[], None] | None]

_listeners: list[Listener] = []
_local = threading.local()


def listen(listener: Listener) -> None:
    _listeners.append(listener)


def unlisten(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def _identity(change: Change) -> tuple[Any, ...]:
    if isinstance(change, ItemChange):
        return (id(change.table), change.hash_key, change.range_key)
    return (id(change.backend), change.bucket, change.key)


def record(change: Change) -> None:
    """Note a change made by the current request (outside a write boundary: ignored)."""
    changes: list[Change] | None = getattr(_local, "changes", None)
    if changes is not None:
        changes.append(change)


def savepoint() -> int:
    changes: list[Change] | None = getattr(_local, "changes", None)
    return len(changes) if changes is not None else 0


def rollback_to(mark: int) -> None:
    """Forget the changes noted since `savepoint()` returned `mark` (they were undone)."""
    changes: list[Change] | None = getattr(_local, "changes", None)
    if changes is not None:
        del changes[mark:]


@contextmanager
def write_boundary(mutex: AbstractContextManager[Any]) -> Iterator[None]:
    """Run one write request under `mutex`; then hand its changes to the listeners."""
    if getattr(_local, "changes", None) is not None:  # nested: the outer boundary reports
        yield
        return
    after: list[Callable[[], None]] = []
    try:
        with mutex:
            _local.changes = []
            try:
                yield
            finally:
                unique = list({_identity(c): c for c in _local.changes}.values())
                _local.changes = None
                if unique:
                    for listener in list(_listeners):
                        done = listener(unique)
                        if done is not None:
                            after.append(done)
    finally:
        for done in after:
            done()


def _locked(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def locked(self: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            return original(self, *args, **kwargs)

    return locked


def _bounded(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def bounded(self: Any, *args: Any, **kwargs: Any) -> Any:
        with write_boundary(lock):
            return original(self, *args, **kwargs)

    return bounded


def install() -> None:
    from moto.dynamodb import responses

    responses.TRANSACTION_MAX_ITEMS = TRANSACTION_MAX_ITEMS
    cls = responses.DynamoHandler
    for name in _READS:
        setattr(cls, name, _locked(getattr(cls, name)))
    for name in _WRITES:
        setattr(cls, name, _bounded(getattr(cls, name)))
