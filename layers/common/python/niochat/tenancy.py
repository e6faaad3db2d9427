"""Which provedor a request acts on. Ids from the request are never trusted without the caller's tenant:
admins and agents always act on their own provedor; only a superadmin names one."""

from __future__ import annotations

from niochat.domain.users import Principal
from niochat.errors import ValidationError
from niochat.store import provedores

INVALID_PROVEDOR = "Provedor inválido"


def _existing(provedor_id: int | None) -> int:
    if provedor_id is None:
        raise ValidationError.field("provedor", "Informe o provedor")
    if provedores.get(provedor_id) is None:
        raise ValidationError.field("provedor", INVALID_PROVEDOR)
    return provedor_id


def for_write(caller: Principal, requested: int | None) -> int:
    """The provedor a create acts on. Naming another provedor is the same 400 as naming none that exists,
    so the answer never reveals which provedores exist."""
    if caller.is_superadmin:
        return _existing(requested)
    assert caller.provedor_id is not None
    if requested is not None and requested != caller.provedor_id:
        raise ValidationError.field("provedor", INVALID_PROVEDOR)
    return caller.provedor_id


def for_read(caller: Principal, requested: int | None) -> int:
    """The provedor a read acts on: the caller's own; a superadmin names it with `?provedor=`."""
    if caller.is_superadmin:
        return _existing(requested)
    assert caller.provedor_id is not None
    return caller.provedor_id
