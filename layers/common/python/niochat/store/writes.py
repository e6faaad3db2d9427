"""The one seam for every write to the table: labelled operations that allocate their own placeholders.

    from niochat.store.writes import Put, Update, Delete, Check, field

    op = (Update("message", pk, sk)
          .set("status", "sent").set("last_message.status", "sent")   # dotted paths are nested attributes
          .add("unread_messages", 1).remove("error")
          .when_exists().when(field("status").eq("sending")))
    table().transact([op, Put("claim", item).when_absent()])

A failed condition raises `ConditionFailed` naming the labels whose condition failed, with the item each
one found (DynamoDB returns it with `ReturnValuesOnConditionCheckFailure=ALL_OLD`; None when the item did
not exist). Another transaction touching the same items at the same moment raises `TransactionConflict`.
Callers decide by label — never by a botocore code or the position of an operation in a list — and never
edit another module's expression text: they add conditions with `.when(...)`.

Optimistic locking has one rule, `expect_version(n)`: the item must exist and still be at version `n` (0
means an item written before it carried a version), and an Update moves it to `n + 1`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, Literal, Self

from boto3.dynamodb.conditions import Attr, ConditionBase, ConditionExpressionBuilder

Item = dict[str, Any]
# What Table.write returns: nothing, the whole item after or before the write, or only the attributes it updated.
Returning = Literal["none", "new", "old", "updated"]

VERSION = "version"


def field(path: str) -> Attr:
    """A condition on an attribute (dotted for nested ones): `field("status").eq("open")`."""
    return Attr(path)


class WriteError(Exception):
    """Base of the store's typed write errors."""


class ConditionFailed(WriteError):
    """One or more operations' conditions failed; nothing was written."""

    def __init__(self, failed: Iterable[str], current: Mapping[str, Item | None] | None = None) -> None:
        self.failed = frozenset(failed)
        self.current: dict[str, Item | None] = dict(current or {})
        super().__init__(f"condition failed: {', '.join(sorted(self.failed)) or '?'}")

    def on(self, label: str) -> bool:
        """Whether the operation labelled `label` is one whose condition failed."""
        return label in self.failed

    def item(self, label: str) -> Item | None:
        """The item the failed operation `label` found (None when absent or not returned)."""
        return self.current.get(label)


class TransactionConflict(WriteError):
    """Another request was writing the same items at the same moment; nothing was written. Retryable."""


class _Placeholders:
    """Names (#u0…) and values (:u0…) for update expressions; conditions get boto3's #n…/:v… apart."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.values: dict[str, Any] = {}
        self._by_name: dict[str, str] = {}

    def path(self, dotted: str) -> str:
        parts = []
        for segment in dotted.split("."):
            if segment not in self._by_name:
                placeholder = f"#u{len(self._by_name)}"
                self._by_name[segment] = placeholder
                self.names[placeholder] = segment
            parts.append(self._by_name[segment])
        return ".".join(parts)

    def value(self, value: Any) -> str:
        placeholder = f":u{len(self.values)}"
        self.values[placeholder] = value
        return placeholder


@dataclass
class Operation:
    """What every operation has: a label, a key and the conditions that must hold for it to apply."""

    label: str
    pk: str
    sk: str
    conditions: list[ConditionBase] = dataclass_field(default_factory=list)

    KIND = ""

    @property
    def key(self) -> Item:
        return {"PK": self.pk, "SK": self.sk}

    def when(self, *conditions: ConditionBase) -> Self:
        self.conditions.extend(conditions)
        return self

    def when_exists(self) -> Self:
        return self.when(Attr("PK").exists())

    def when_absent(self) -> Self:
        return self.when(Attr("PK").not_exists())

    def expect_version(self, expected: int) -> Self:
        """Apply only while the item exists at version `expected` (0: an item that has no version yet)."""
        self.when_exists()
        return self.when(Attr(VERSION).not_exists() if expected == 0 else Attr(VERSION).eq(expected))

    def render(self) -> dict[str, Any]:
        """This operation as the plain (unserialised) parameters of its DynamoDB call."""
        spec: dict[str, Any] = {}
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        if self.conditions:
            condition = self.conditions[0]
            for more in self.conditions[1:]:
                condition = condition & more
            built = ConditionExpressionBuilder().build_expression(condition)
            spec["ConditionExpression"] = built.condition_expression
            names.update(built.attribute_name_placeholders)
            values.update(built.attribute_value_placeholders)
        self._render_body(spec, names, values)
        if names:
            spec["ExpressionAttributeNames"] = names
        if values:
            spec["ExpressionAttributeValues"] = values
        return spec

    def _render_body(self, spec: dict[str, Any], names: dict[str, str], values: dict[str, Any]) -> None:
        spec["Key"] = self.key


class Put(Operation):
    """Write a whole item (its PK and SK are in `item`)."""

    KIND = "Put"

    def __init__(self, label: str, item: Item) -> None:
        super().__init__(label, item["PK"], item["SK"])
        self.item = item

    def _render_body(self, spec: dict[str, Any], names: dict[str, str], values: dict[str, Any]) -> None:
        spec["Item"] = self.item


class Delete(Operation):
    KIND = "Delete"

    def __init__(self, label: str, pk: str, sk: str) -> None:
        super().__init__(label, pk, sk)


class Check(Operation):
    """A condition on an item that the transaction does not write (ConditionCheck)."""

    KIND = "ConditionCheck"

    def __init__(self, label: str, pk: str, sk: str) -> None:
        super().__init__(label, pk, sk)


class Update(Operation):
    KIND = "Update"

    def __init__(self, label: str, pk: str, sk: str) -> None:
        super().__init__(label, pk, sk)
        # (path, how, value): how is "=", "default", "append" or "copy:<source path>"
        self._sets: list[tuple[str, str, Any]] = []
        self._adds: list[tuple[str, Any]] = []
        self._removes: list[str] = []
        self._bump_version_from: int | None = None

    def set(self, path: str, value: Any) -> Self:
        self._sets.append((path, "=", value))
        return self

    def set_all(self, changes: Mapping[str, Any]) -> Self:
        for path, value in changes.items():
            self.set(path, value)
        return self

    def set_default(self, path: str, value: Any) -> Self:
        """SET `path` only if it has no value yet (if_not_exists)."""
        self._sets.append((path, "default", value))
        return self

    def copy(self, path: str, source: str, default: Any) -> Self:
        """SET `path` to the item's own `source` attribute (`default` when it has none), read at the write."""
        self._sets.append((path, f"copy:{source}", default))
        return self

    def append(self, path: str, values: list[Any]) -> Self:
        """Append to a list attribute, creating it when missing."""
        self._sets.append((path, "append", values))
        return self

    def add(self, path: str, amount: int | float) -> Self:
        """ADD a number (creating the attribute at `amount` when missing)."""
        self._adds.append((path, amount))
        return self

    def remove(self, path: str) -> Self:
        self._removes.append(path)
        return self

    def expect_version(self, expected: int) -> Self:
        super().expect_version(expected)
        self._bump_version_from = expected
        return self

    @property
    def is_empty(self) -> bool:
        return not (self._sets or self._adds or self._removes or self._bump_version_from is not None)

    def _render_body(self, spec: dict[str, Any], names: dict[str, str], values: dict[str, Any]) -> None:
        spec["Key"] = self.key
        p = _Placeholders()
        sets = []
        for path, how, value in self._sets:
            name = p.path(path)
            if how == "=":
                sets.append(f"{name} = {p.value(value)}")
            elif how == "default":
                sets.append(f"{name} = if_not_exists({name}, {p.value(value)})")
            elif how.startswith("copy:"):
                source = p.path(how.removeprefix("copy:"))
                sets.append(f"{name} = if_not_exists({source}, {p.value(value)})")
            else:
                sets.append(f"{name} = list_append(if_not_exists({name}, {p.value([])}), {p.value(value)})")
        if self._bump_version_from is not None:
            sets.append(f"{p.path(VERSION)} = {p.value(self._bump_version_from + 1)}")
        clauses = []
        if sets:
            clauses.append("SET " + ", ".join(sets))
        if self._adds:
            clauses.append("ADD " + ", ".join(f"{p.path(path)} {p.value(amount)}" for path, amount in self._adds))
        if self._removes:
            clauses.append("REMOVE " + ", ".join(p.path(path) for path in self._removes))
        if not clauses:
            raise ValueError(f"update {self.label!r} changes nothing")
        spec["UpdateExpression"] = " ".join(clauses)
        names.update(p.names)
        values.update(p.values)


def check_labels(operations: Sequence[Operation]) -> None:
    labels = [op.label for op in operations]
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise ValueError(f"operations of one transaction need distinct labels: {', '.join(duplicates)}")
