"""A thin typed wrapper over the DynamoDB client for the single table.

Items go in and come out as plain Python values (ints stay ints). Pages come from Query with a limit,
never from Scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

from niochat.settings import get_settings
from niochat.store import clients
from niochat.store.writes import ConditionFailed, Operation, Returning, TransactionConflict, check_labels

Item = dict[str, Any]
Key = dict[str, Any]

INDEX_KEYS: dict[str | None, tuple[str, str]] = {
    None: ("PK", "SK"),
    "GSI1": ("GSI1PK", "GSI1SK"),
    "GSI2": ("GSI2PK", "GSI2SK"),
    "GSI3": ("GSI3PK", "GSI3SK"),
    # Sparse: only items that are due at some time carry these keys (niochat.store.due).
    "DUE": ("DUEPK", "DUESK"),
}

RETURN_VALUES: dict[Returning, str] = {"new": "ALL_NEW", "old": "ALL_OLD", "updated": "UPDATED_NEW"}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, set):
        return {_plain(v) for v in value}
    return value


def _dynamo_value(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _dynamo_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_dynamo_value(v) for v in value]
    return value


class _Codec:
    def __init__(self) -> None:
        from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

        self._ser = TypeSerializer()
        self._de = TypeDeserializer()

    def dump(self, item: Mapping[str, Any]) -> dict[str, Any]:
        return {k: self._ser.serialize(_dynamo_value(v)) for k, v in item.items() if v is not None}

    def dump_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {k: self._ser.serialize(_dynamo_value(v)) for k, v in values.items()}

    def load(self, raw: Mapping[str, Any]) -> Item:
        return {k: _plain(self._de.deserialize(v)) for k, v in raw.items()}


class Page(NamedTuple):
    items: list[Item]
    # Key of the last item returned when more items follow, else None.
    last_key: Key | None


class Table:
    def __init__(self, name: str | None = None) -> None:
        self.name = name or get_settings().table_name
        self.codec = _Codec()

    @property
    def client(self) -> Any:
        return clients.dynamodb()

    # -- single items -------------------------------------------------------------------------------
    def get(self, pk: str, sk: str, consistent: bool = False) -> Item | None:
        raw = self.client.get_item(
            TableName=self.name, Key=self.codec.dump({"PK": pk, "SK": sk}), ConsistentRead=consistent
        )
        return self.codec.load(raw["Item"]) if "Item" in raw else None

    # -- writes (the seam: niochat.store.writes) --------------------------------------------------------
    def write(self, op: Operation, returning: Returning = "none") -> Item | None:
        """One Put, Update or Delete. Returns the item after (`new`) or before (`old`) the write, or the attributes
        an Update changed (`updated`, as they are after it), if asked.
        Raises ConditionFailed({op.label}) with the item found when the condition fails."""
        spec = self._render(op)
        if returning != "none":
            spec["ReturnValues"] = RETURN_VALUES[returning]
        call = {"Put": self.client.put_item, "Update": self.client.update_item, "Delete": self.client.delete_item}
        if op.KIND not in call:
            raise ValueError(f"{op.KIND} is only valid inside a transaction")
        try:
            raw = call[op.KIND](**spec)
        except Exception as error:  # botocore's ClientError, mapped to the store's typed errors here only
            raise self._typed(error, [op.label]) from None
        attributes = raw.get("Attributes")
        return self.codec.load(attributes) if attributes else None

    def transact(self, operations: Sequence[Operation]) -> None:
        """Write atomically. Operations are niochat.store.writes objects with distinct labels; raises
        ConditionFailed naming the labels whose conditions failed, or TransactionConflict."""
        check_labels(operations)
        items = [{op.KIND: self._render(op)} for op in operations]
        try:
            self.client.transact_write_items(TransactItems=items)
        except Exception as error:  # botocore's ClientError, mapped to the store's typed errors here only
            raise self._typed(error, [op.label for op in operations]) from None

    def _render(self, op: Operation) -> dict[str, Any]:
        """The operation serialised for its call, asking for the item found when its condition fails."""
        spec = op.render()
        spec["TableName"] = self.name
        spec["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        if "Item" in spec:
            spec["Item"] = self.codec.dump(spec["Item"])
        if "Key" in spec:
            spec["Key"] = self.codec.dump(spec["Key"])
        if "ExpressionAttributeValues" in spec:
            spec["ExpressionAttributeValues"] = self.codec.dump_values(spec["ExpressionAttributeValues"])
        return spec

    def _typed(self, error: Exception, labels: list[str]) -> Exception:
        """botocore's error as ConditionFailed / TransactionConflict (naming the `labels` of the operations, in
        order), or unchanged when it is neither."""
        response = getattr(error, "response", None) or {}
        code = response.get("Error", {}).get("Code", "")
        if code == "ConditionalCheckFailedException":
            item = response.get("Item")
            (label,) = labels
            return ConditionFailed({label}, {label: self.codec.load(item) if item else None})
        if code == "TransactionConflictException":
            return TransactionConflict(str(error))
        if code == "TransactionCanceledException":
            reasons = response.get("CancellationReasons") or []
            failed: dict[str, Item | None] = {}
            conflict = False
            for label, reason in zip(labels, reasons, strict=False):
                reason_code = reason.get("Code")
                if reason_code == "ConditionalCheckFailed":
                    item = reason.get("Item")
                    failed[label] = self.codec.load(item) if item else None
                elif reason_code == "TransactionConflict":
                    conflict = True
            if failed:
                return ConditionFailed(failed, failed)
            if conflict:
                return TransactionConflict(str(error))
        return error

    # -- many items ---------------------------------------------------------------------------------
    def batch_get(self, keys: Iterable[tuple[str, str]]) -> list[Item]:
        """Read up to any number of items by key (100 per call); missing keys are skipped."""
        unique = list(dict.fromkeys(keys))
        found: list[Item] = []
        for start in range(0, len(unique), 100):
            request = {
                self.name: {"Keys": [self.codec.dump({"PK": pk, "SK": sk}) for pk, sk in unique[start : start + 100]]}
            }
            while request:
                raw = self.client.batch_get_item(RequestItems=request)
                found.extend(self.codec.load(item) for item in raw["Responses"].get(self.name, []))
                request = raw.get("UnprocessedKeys") or {}
        return found

    def query(
        self,
        pk: str,
        *,
        index: str | None = None,
        sk_condition: str = "",
        values: Mapping[str, Any] | None = None,
        limit: int | None = None,
        forward: bool = True,
        start_key: Key | None = None,
        consistent: bool = False,
        filter_expression: str | None = None,
        names: Mapping[str, str] | None = None,
        keys_only: bool = False,
    ) -> Page:
        """One Query call. `sk_condition` uses the placeholder `#sk` for the index's sort key."""
        pk_name, sk_name = INDEX_KEYS[index]
        expression = "#pk = :pk" + (f" AND {sk_condition}" if sk_condition else "")
        attr_names = {"#pk": pk_name}
        if "#sk" in sk_condition:
            attr_names["#sk"] = sk_name
        if names:
            attr_names.update(names)
        kwargs: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": expression,
            "ExpressionAttributeNames": attr_names,
            "ExpressionAttributeValues": self.codec.dump_values({":pk": pk, **(values or {})}),
            "ScanIndexForward": forward,
        }
        if index:
            kwargs["IndexName"] = index
        if limit:
            kwargs["Limit"] = limit
        if start_key:
            kwargs["ExclusiveStartKey"] = self.codec.dump(start_key)
        if consistent and not index:
            kwargs["ConsistentRead"] = True
        if filter_expression:
            kwargs["FilterExpression"] = filter_expression
        if keys_only:
            key_names = {"PK", "SK", pk_name, sk_name}
            placeholders = {f"#k{i}": name for i, name in enumerate(sorted(key_names))}
            kwargs["ExpressionAttributeNames"].update(placeholders)
            kwargs["ProjectionExpression"] = ", ".join(placeholders)
        raw = self.client.query(**kwargs)
        last = raw.get("LastEvaluatedKey")
        return Page([self.codec.load(i) for i in raw.get("Items", [])], self.codec.load(last) if last else None)

    def query_all(self, pk: str, **kwargs: Any) -> list[Item]:
        """Every item of a bounded partition (a user's tokens, a team's members), following pages."""
        items: list[Item] = []
        start: Key | None = None
        while True:
            page = self.query(pk, start_key=start, **kwargs)
            items.extend(page.items)
            if not page.last_key:
                return items
            start = page.last_key


def key_of(item: Item, index: str | None = None) -> Key:
    """The key DynamoDB would return as LastEvaluatedKey for `item` read from `index`."""
    names = {"PK", "SK"}
    if index:
        names.update(INDEX_KEYS[index])
    return {name: item[name] for name in names}


@cache
def table() -> Table:
    """The Table every store module shares, made on first use."""
    return Table()


def reset() -> None:
    """Forget the shared Table (its name comes from the settings)."""
    table.cache_clear()
