"""Integer ids: one atomic counter per kind, global (provedores, users) or per provedor (everything else)."""

from __future__ import annotations

from niochat.store import keys
from niochat.store.table import table


def _next(pk: str, sk: str) -> int:
    item = table().update(pk, sk, "ADD #n :one", {":one": 1}, {"#n": "n"}, return_values="UPDATED_NEW")
    return int(item["n"])


def next_global_id(kind: str) -> int:
    return _next(*keys.global_sequence(kind))


def next_tenant_id(provedor_id: int, kind: str) -> int:
    return _next(*keys.tenant_sequence(provedor_id, kind))
