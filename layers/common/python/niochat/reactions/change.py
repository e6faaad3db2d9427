"""One table change, built once per stream record: what kind of item, whose, before and after."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from niochat.store.table import Item, table

EventName = Literal["INSERT", "MODIFY", "REMOVE"]
_TENANT_PK = re.compile(r"^P#(\d+)(?:#|$)")


class Change(NamedTuple):
    """A record of the table's stream (NEW_AND_OLD_IMAGES), decoded."""

    event_id: str
    # The record's sequence number in its shard (what a partial batch response names).
    sequence: str
    event_name: EventName
    # The item's `type` ("message", "conversation", "counters"…), "" for an item without one.
    kind: str
    # The provedor whose item changed; None for platform items (superadmins' connections, platform counters).
    provedor_id: int | None
    old: Item | None
    new: Item | None

    @property
    def item(self) -> Item:
        """The item after the change, or before it for a removal."""
        return self.new or self.old or {}

    @property
    def inserted(self) -> bool:
        return self.event_name == "INSERT"

    @property
    def removed(self) -> bool:
        return self.event_name == "REMOVE"


def provedor_of(item: Mapping[str, Any]) -> int | None:
    """The item's provedor: its `provedor_id`, else the tenant in its partition key (`P#<id>…`)."""
    value = item.get("provedor_id")
    if isinstance(value, int):
        return value
    match = _TENANT_PK.match(str(item.get("PK", "")))
    return int(match.group(1)) if match else None


def from_record(record: Mapping[str, Any]) -> Change:
    """A DynamoDB stream record as Lambda delivers it → a Change (raises on a malformed record)."""
    dynamodb = record.get("dynamodb") or {}
    name = record.get("eventName")
    if name not in ("INSERT", "MODIFY", "REMOVE"):
        raise ValueError(f"unknown stream event name {name!r}")
    codec = table().codec
    old = codec.load(dynamodb["OldImage"]) if dynamodb.get("OldImage") else None
    new = codec.load(dynamodb["NewImage"]) if dynamodb.get("NewImage") else None
    item = new or old or {}
    return Change(
        event_id=str(record.get("eventID") or dynamodb.get("SequenceNumber") or ""),
        sequence=str(dynamodb.get("SequenceNumber") or ""),
        event_name=name,
        kind=str(item.get("type") or ""),
        provedor_id=provedor_of(item),
        old=old,
        new=new,
    )
