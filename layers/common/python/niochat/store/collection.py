"""A tenant-scoped collection of entities with integer ids: the store half of every CRUD endpoint.

Items live at PK `P#<provedor>#<KIND>`, SK `<id, zero-padded>`; the provedor id is part of every key built
here, so a method can only ever reach the caller's own provedor. Creating and deleting also moves the
provedor's counter for the kind in the same transaction, so list counts are one read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar, cast

from niochat.store import counters, keys, sequences
from niochat.store.pages import Partition
from niochat.store.table import Item, table
from niochat.store.writes import Delete, Put, Update

# The entity a collection holds (a niochat.domain TypedDict).
T = TypeVar("T", bound=Mapping[str, Any])


class Collection(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind  # e.g. "contact"; also the item's `type` and the counter's name

    def pk(self, provedor_id: int) -> str:
        return f"{keys.tenant(provedor_id)}#{self.kind.upper()}"

    def key(self, provedor_id: int, item_id: int) -> tuple[str, str]:
        return self.pk(provedor_id), keys.pad(item_id)

    def partition(self, provedor_id: int, newest_first: bool = True) -> Partition:
        return Partition(self.pk(provedor_id), forward=not newest_first)

    def get(self, provedor_id: int, item_id: int, consistent: bool = False) -> T | None:
        return cast("T | None", table().get(*self.key(provedor_id, item_id), consistent=consistent))

    def get_many(self, provedor_id: int, item_ids: list[int]) -> dict[int, T]:
        found = table().batch_get([self.key(provedor_id, i) for i in item_ids])
        return {int(item["id"]): cast(T, item) for item in found}

    def new_id(self, provedor_id: int) -> int:
        return sequences.next_tenant_id(provedor_id, self.kind)

    def put_op(self, provedor_id: int, item: Mapping[str, Any]) -> Put:
        """A new item (labelled with the kind), failing when its id is taken."""
        pk, sk = self.key(provedor_id, item["id"])
        full = {**item, "PK": pk, "SK": sk, "type": self.kind, "provedor_id": provedor_id}
        return Put(self.kind, full).when_absent()

    def create(self, provedor_id: int, item: Mapping[str, Any], extra: list[Any] | None = None) -> Item:
        """Write a new item (its id already allocated), bump the counter, and any `extra` operations, atomically.
        Raises ConditionFailed (or TransactionConflict) when a condition fails; callers map it to a 400/409."""
        operations = [self.put_op(provedor_id, item), counters.add_op(provedor_id, self.kind, 1), *(extra or [])]
        table().transact(operations)
        return {**item, "provedor_id": provedor_id}

    def update_op(self, provedor_id: int, item_id: int, changes: Item) -> Update:
        """SET `changes` on the item (labelled with the kind); the caller adds its condition (when_exists,
        expect_version)."""
        return Update(self.kind, *self.key(provedor_id, item_id)).set_all(changes)

    def delete_op(self, provedor_id: int, item_id: int) -> Delete:
        """Delete the item (labelled with the kind); the caller adds its condition."""
        return Delete(self.kind, *self.key(provedor_id, item_id))

    def update(self, provedor_id: int, item_id: int, changes: Item, extra: list[Any] | None = None) -> None:
        """SET `changes` on the existing item: one UpdateItem, or a transaction with `extra`."""
        op = self.update_op(provedor_id, item_id, changes).when_exists()
        if not extra:
            table().write(op)
            return
        table().transact([op, *extra])

    def delete(self, provedor_id: int, item_id: int, extra: list[Any] | None = None) -> None:
        operations = [
            self.delete_op(provedor_id, item_id).when_exists(),
            counters.add_op(provedor_id, self.kind, -1),
            *(extra or []),
        ]
        table().transact(operations)

    def count(self, provedor_id: int) -> int:
        return counters.read(provedor_id).get(self.kind, 0)
