"""Integer ids: atomic counters, global (provedores, users) or per provedor (everything else).

A provedor's sequences are attributes of one item, so an action that needs several new ids (an activity
message and an audit entry) gets them in one call.
"""

from __future__ import annotations

from niochat.store import keys
from niochat.store.table import Item, table
from niochat.store.writes import Update


def _advance(op: Update) -> Item:
    """The sequence attributes `op` moved, as they are after it (one UpdateItem)."""
    return table().write(op, returning="updated") or {}


def next_global_id(kind: str) -> int:
    return int(_advance(Update("sequence", *keys.global_sequence(kind)).add("n", 1))["n"])


def next_tenant_ids(provedor_id: int, *kinds: str) -> dict[str, int]:
    op = Update("sequences", *keys.tenant_sequences(provedor_id))
    for kind in kinds:
        op.add(kind, 1)
    item = _advance(op)
    return {kind: int(item[kind]) for kind in kinds}


def next_tenant_id(provedor_id: int, kind: str) -> int:
    return next_tenant_ids(provedor_id, kind)[kind]


def next_tenant_block(provedor_id: int, kind: str, n: int) -> list[int]:
    """`n` consecutive new ids of `kind` with one call."""
    last = int(_advance(Update("sequences", *keys.tenant_sequences(provedor_id)).add(kind, n))[kind])
    return list(range(last - n + 1, last + 1))
