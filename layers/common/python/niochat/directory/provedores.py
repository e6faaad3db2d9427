"""Provedor (tenant) use cases."""

from __future__ import annotations

from typing import Any

from niochat import clock
from niochat.store import provedores, sequences


def create_provedor(nome: str, email_contato: str | None = None, is_active: bool = True) -> dict[str, Any]:
    now = clock.iso()
    item = {
        "id": sequences.next_global_id("provedor"),
        "nome": nome,
        "email_contato": email_contato,
        "is_active": is_active,
        "created_at": now,
        "updated_at": now,
    }
    provedores.put_new(item)
    return item
