"""Provedor (tenant) use cases: create, read, change (suspend and reactivate), list."""

from __future__ import annotations

from niochat import clock
from niochat.auth.sessions import set_provedor_sessions_active
from niochat.directory.models import ProvedorCreate, ProvedorPatch
from niochat.domain.provedores import Provedor, new_provedor
from niochat.domain.users import Principal
from niochat.errors import NotFound
from niochat.store import provedores, sequences
from niochat.store.pages import Partition
from niochat.store.writes import ConditionFailed

NOT_FOUND = "Provedor não encontrado"


def create_provedor(nome: str, email_contato: str | None = None, is_active: bool = True) -> Provedor:
    provedor = new_provedor(sequences.next_global_id("provedor"), nome, email_contato, is_active, clock.iso())
    provedores.put_new(provedor)
    return provedor


def create(data: ProvedorCreate) -> Provedor:
    return create_provedor(data.nome, data.email_contato, data.is_active)


def get(caller: Principal, provedor_id: int) -> Provedor:
    """A superadmin reads any provedor; an admin only their own (any other id is the same 404 as a missing one)."""
    if not caller.is_superadmin and caller.provedor_id != provedor_id:
        raise NotFound(NOT_FOUND)
    provedor = provedores.get(provedor_id)
    if provedor is None:
        raise NotFound(NOT_FOUND)
    return provedor


def update(caller: Principal, provedor_id: int, data: ProvedorPatch) -> Provedor:
    """Change a provedor. `is_active` false suspends it: every live token of its users answers 403 from the
    next request on (their logins are refused by the auth service); true lifts that."""
    current = get(caller, provedor_id)
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        return current
    changes["updated_at"] = clock.iso()
    try:
        updated = provedores.update(provedor_id, changes)
    except ConditionFailed:  # deleted since it was read
        raise NotFound(NOT_FOUND) from None
    if "is_active" in changes:  # always re-applied, so repeating the PATCH repairs a half-done suspension
        set_provedor_sessions_active(provedor_id, bool(changes["is_active"]))
    return updated


def listing() -> tuple[Partition, int]:
    """Every provedor by id, and how many there are."""
    return provedores.partition(), provedores.count()
