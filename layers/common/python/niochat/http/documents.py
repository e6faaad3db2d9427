"""The routes of a provedor's one document, each registered on a function's resolver by one call: a document
it reads (GET: statistics, settings) and its settings (GET and PATCH).

Each route checks in the order every route does: the caller (401), the permission (403), the input (400)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from niochat import tenancy
from niochat.domain.users import Principal
from niochat.http import auth, request
from niochat.models import ScopeQuery

Require = Callable[[Principal], None]


def document_route(app: APIGatewayRestResolver, path: str, read: Callable[[int], Any], require: Require | None) -> None:
    """GET `path`: `read(provedor_id)` of the caller's provedor (a superadmin's `?provedor=`), after `require`
    checked the caller (None: anyone of the provedor reads)."""

    def read_document() -> Any:
        _, _, provedor_id = auth.scoped(app, ScopeQuery, require)
        return read(provedor_id)

    app.get(path)(read_document)


def settings_routes(
    app: APIGatewayRestResolver,
    path: str,
    read: Callable[[int], Any],
    update: Callable[[Principal, int, Any], Any],
    patch: type[auth.Scoped],
    require: Require | None = None,
) -> None:
    """A provedor's settings: GET `path` (document_route), and PATCH `path`: `update(caller, provedor_id, body)`
    with the body read with `patch`, whose `provedor` names the provedor a superadmin changes. `require` checks
    the caller of both (None: anyone reads, and `update` checks who changes)."""
    document_route(app, path, read, require)

    def patch_settings() -> Any:
        caller = auth.principal(app)
        if require is not None:
            require(caller)
        body = request.body(app, patch)
        return update(caller, tenancy.for_read(caller, body.provedor), body)

    app.patch(path)(patch_settings)
