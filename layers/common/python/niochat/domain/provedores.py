"""Provedores (tenants): the stored item and its one constructor."""

from __future__ import annotations

from typing import NotRequired, TypedDict


class Provedor(TypedDict):
    """A provedor as stored (the store adds its keys). Nullable fields are NotRequired: the store drops
    attributes whose value is None, so an item read back lacks them."""

    id: int
    nome: str
    email_contato: NotRequired[str | None]
    is_active: bool
    created_at: str
    updated_at: str


def new_provedor(provedor_id: int, nome: str, email_contato: str | None, is_active: bool, now: str) -> Provedor:
    return {
        "id": provedor_id,
        "nome": nome,
        "email_contato": email_contato,
        "is_active": is_active,
        "created_at": now,
        "updated_at": now,
    }
