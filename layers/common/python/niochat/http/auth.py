"""The caller of a REST request, and the provedor it acts on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from niochat import tenancy
from niochat.auth.sessions import authenticate, token_from_header
from niochat.domain.users import Principal
from niochat.errors import PermissionDenied
from niochat.http import request


class Scoped(request.Model, Protocol):
    """A query string's model that names the provedor a superadmin acts on (`?provedor=`)."""

    provedor: int | None


Q = TypeVar("Q", bound=Scoped)


def principal(app: APIGatewayRestResolver) -> Principal:
    """Authenticate the request's `Authorization: Token|Bearer <token>` header (401 otherwise)."""
    headers = app.current_event.headers or {}
    header = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
    return authenticate(token_from_header(header))


def admin(app: APIGatewayRestResolver) -> Principal:
    caller = principal(app)
    if not caller.is_admin:
        raise PermissionDenied()
    return caller


def superadmin(app: APIGatewayRestResolver) -> Principal:
    caller = principal(app)
    if not caller.is_superadmin:
        raise PermissionDenied()
    return caller


def scoped(
    app: APIGatewayRestResolver, model: type[Q], require: Callable[[Principal], None] | None = None
) -> tuple[Principal, Q, int]:
    """The caller (401), then the permission `require` checks (403), then the query string read with `model` (400)
    and the provedor the request reads (niochat.tenancy.for_read): the order every route checks in."""
    caller = principal(app)
    if require is not None:
        require(caller)
    query = request.query(app, model)
    return caller, query, tenancy.for_read(caller, query.provedor)


def creating(
    app: APIGatewayRestResolver, model: type[Q], require: Callable[[Principal], None] | None = None
) -> tuple[Principal, Q, int]:
    """The caller (401), then the permission `require` checks (403), then the body read with `model` (400) and
    the provedor the create acts on (niochat.tenancy.for_write: a superadmin names it in `provedor`)."""
    caller = principal(app)
    if require is not None:
        require(caller)
    body = request.body(app, model)
    return caller, body, tenancy.for_write(caller, body.provedor)
