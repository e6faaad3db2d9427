"""Integer ids: atomic counters, global (provedores, users) or per provedor (everything else).

A provedor's sequences are attributes of one item, so an action that needs several new ids (an activity
message and an audit entry) gets them in one call.
"""

from __future__ import annotations

from niochat.store import keys
from niochat.store.table import table


def next_global_id(kind: str) -> int:
    item = table().update(
        *keys.global_sequence(kind), "ADD #n :one", {":one": 1}, {"#n": "n"}, return_values="UPDATED_NEW"
    )
    return int(item["n"])


def next_tenant_ids(provedor_id: int, *kinds: str) -> dict[str, int]:
    names = {f"#k{i}": kind for i, kind in enumerate(kinds)}
    expression = "ADD " + ", ".join(f"#k{i} :one" for i in range(len(kinds)))
    item = table().update(
        *keys.tenant_sequences(provedor_id), expression, {":one": 1}, names, return_values="UPDATED_NEW"
    )
    return {kind: int(item[kind]) for kind in kinds}


def next_tenant_id(provedor_id: int, kind: str) -> int:
    return next_tenant_ids(provedor_id, kind)[kind]


def next_tenant_block(provedor_id: int, kind: str, n: int) -> list[int]:
    """`n` consecutive new ids of `kind` with one call."""
    item = table().update(
        *keys.tenant_sequences(provedor_id), "ADD #k :n", {":n": n}, {"#k": kind}, return_values="UPDATED_NEW"
    )
    last = int(item[kind])
    return list(range(last - n + 1, last + 1))
