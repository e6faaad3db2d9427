"""The listener pipeline: every change of a batch goes to each listener that wants its kind.

- A listener names the item kinds it wants (`kinds`); the stream's event source mapping filters out the
  records no listener wants (infra reads `listeners.wanted_kinds()`).
- `prepare(batch)` runs once per batch before the first record (prefetching what many records need); it is
  best effort: a record whose data was not prefetched reads its own.
- `handle(change, batch)` must be idempotent: records arrive at least once, and a record that failed is
  delivered again with the records after it.
- A listener's failure fails only its record: the other listeners still see it, then the record is
  reported failed (partial batch response) and retried by the event source mapping, then parked on the
  on-failure destination. Records after it are never blocked for good.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar

from aws_lambda_powertools import Logger

from niochat.reactions.change import Change
from niochat.store.table import Item

logger = Logger(child=True)
T = TypeVar("T")


class Batch:
    """What the records of one batch share: their changes, and each listener's per-batch state."""

    def __init__(self, changes: Sequence[Change]) -> None:
        self.changes = list(changes)
        self._state: dict[str, object] = {}
        # The last change of each item in this batch (by PK/SK): listeners that only care about an
        # item's latest state (dashboard counters) skip the changes a later record of the batch supersedes.
        self._last: dict[tuple[str, str], str] = {}
        self._first: dict[tuple[str, str], Change] = {}
        for change in self.changes:
            key = (str(change.item.get("PK")), str(change.item.get("SK")))
            self._last[key] = change.sequence
            self._first.setdefault(key, change)

    def state(self, name: str, factory: Callable[[], T]) -> T:
        """The listener `name`'s state for this batch, created on first use."""
        if name not in self._state:
            self._state[name] = factory()
        return self._state[name]  # type: ignore[return-value]  # stored by this same call with T's factory

    def superseded(self, change: Change) -> bool:
        """Whether a later record of this batch changes the same item again."""
        key = (str(change.item.get("PK")), str(change.item.get("SK")))
        return self._last.get(key, change.sequence) != change.sequence

    def before_batch(self, change: Change) -> Item | None:
        """The item as it was before this batch's first change to it (its old image then)."""
        first = self._first.get((str(change.item.get("PK")), str(change.item.get("SK"))))
        return first.old if first is not None else change.old


class Listener(Protocol):
    name: str
    # The item `type`s whose changes this listener wants.
    kinds: frozenset[str]

    def prepare(self, batch: Batch) -> None: ...

    def handle(self, change: Change, batch: Batch) -> None: ...


class ListenerFailed(Exception):
    """One or more listeners failed on a record (the record is reported failed and retried)."""

    def __init__(self, change: Change, failures: dict[str, Exception]) -> None:
        self.failures = failures
        names = ", ".join(f"{name}: {type(error).__name__}: {error}" for name, error in failures.items())
        super().__init__(f"record {change.sequence} ({change.kind}) failed in {names}")


def begin(changes: Sequence[Change], listeners: Iterable[Listener]) -> Batch:
    """A batch of changes, with every listener prepared for it."""
    batch = Batch(changes)
    for listener in listeners:
        if not any(change.kind in listener.kinds for change in changes):
            continue
        try:
            listener.prepare(batch)
        except Exception:  # preparing is an optimisation; each record still reads what it needs
            logger.warning("a listener's prepare failed", extra={"listener": listener.name}, exc_info=True)
    return batch


def dispatch(change: Change, batch: Batch, listeners: Iterable[Listener]) -> None:
    """Hand one change to each listener that wants it; raise ListenerFailed when any of them failed."""
    failures: dict[str, Exception] = {}
    for listener in listeners:
        if change.kind not in listener.kinds:
            continue
        try:
            listener.handle(change, batch)
        except Exception as error:  # one listener's failure must not keep the others from the record
            logger.exception(
                "listener failed", extra={"listener": listener.name, "sequence": change.sequence, "kind": change.kind}
            )
            failures[listener.name] = error
    if failures:
        raise ListenerFailed(change, failures)
