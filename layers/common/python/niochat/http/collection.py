"""The routes of a provedor's collection, each registered on a function's resolver by one call: its list, its
create, and its items' read, replace, patch and delete (GET, PUT, PATCH and DELETE at `.../<key>/`).

Each route checks in the order every route does: the caller (401), the permission (403), the input (400),
then the id from the path (404); it answers with the collection's own view."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from niochat import tenancy
from niochat.domain.users import Principal
from niochat.http import auth, request
from niochat.http.app import json_response, no_content
from niochat.http.pagination import PageParams, paginate
from niochat.store.pages import Partition

ITEM_KEY = re.compile(r"<([a-z_]+)>/$")


class Collection(Protocol):
    """The service of a provedor's collection (niochat.contacts.service, niochat.inboxes.service,
    niochat.teams.service): who may write it, and its items' create, read (NOT_FOUND when there is none),
    replace or patch, and delete (each write checks its permission again)."""

    NOT_FOUND: str

    def require_writer(self, caller: Principal, /) -> None: ...

    def create(self, caller: Principal, provedor_id: int, data: Any, /) -> Any: ...

    def get(self, provedor_id: int, identifier: int, /) -> Any: ...

    def update(self, caller: Principal, provedor_id: int, identifier: int, data: Any, /) -> Any: ...

    def delete(self, caller: Principal, provedor_id: int, identifier: int, /) -> None: ...


class Listed(Protocol):
    """A collection listed whole, newest first: its partition and the counter kept on write."""

    def partition(self, provedor_id: int, /) -> Partition: ...

    def count(self, provedor_id: int, /) -> int: ...


def list_route(
    app: APIGatewayRestResolver, path: str, service: Listed, view: Callable[[Any], Any], query: type[auth.Scoped]
) -> None:
    """GET `path`: the page of the provedor's collection (`query` names a superadmin's provedor), each item
    turned by `view`."""

    def list_items() -> dict[str, Any]:
        _, _, provedor_id = auth.scoped(app, query)
        page = request.query(app, PageParams)
        return paginate(
            app,
            service.partition(provedor_id),
            page,
            service.count(provedor_id),
            lambda items: [view(i) for i in items],
        )

    app.get(path)(list_items)


def create_route(
    app: APIGatewayRestResolver, path: str, service: Collection, view: Callable[[Any], Any], body: type[auth.Scoped]
) -> None:
    """POST `path`: 201 with the item `service.create` made of the body read with `body` (its `provedor` names a
    superadmin's), after `service.require_writer` checked the caller."""

    def create_item() -> Response:
        caller, data, provedor_id = auth.creating(app, body, service.require_writer)
        return json_response(201, view(service.create(caller, provedor_id, data)))

    app.post(path)(create_item)


def item_routes(
    app: APIGatewayRestResolver,
    path: str,
    service: Collection,
    view: Callable[[Any], Any],
    models: tuple[type[auth.Scoped], type[request.Model], type[request.Model]],
) -> None:
    """GET, PUT, PATCH and DELETE of one item at `path` (`/api/contacts/<contact_id>/`). `models` are the query
    string's (it names a superadmin's provedor) and the bodies of PUT and PATCH, read after
    `service.require_writer` checked the caller; an id that is no id is `service.NOT_FOUND`, like one that does
    not exist. Each answer is turned by `view`; DELETE answers 204 and leaves its permission to `service.delete`."""
    found = ITEM_KEY.search(path)
    assert found is not None, f"{path}: an item's path ends with its id (<contact_id>/)"
    key = found.group(1)
    query, replace_body, patch_body = models

    def identifier(params: dict[str, str]) -> int:
        return request.object_id(params[key], service.NOT_FOUND)

    def provedor_of(caller: Principal) -> int:
        return tenancy.for_read(caller, request.query(app, query).provedor)

    def read(**params: str) -> Any:
        caller = auth.principal(app)
        return view(service.get(provedor_of(caller), identifier(params)))

    def write(model: type[request.Model], params: dict[str, str]) -> Any:
        caller = auth.principal(app)
        service.require_writer(caller)
        body = request.body(app, model)
        return view(service.update(caller, provedor_of(caller), identifier(params), body))

    def replace(**params: str) -> Any:
        return write(replace_body, params)

    def patch(**params: str) -> Any:
        return write(patch_body, params)

    def delete(**params: str) -> Response:
        caller = auth.principal(app)
        service.delete(caller, provedor_of(caller), identifier(params))
        return no_content()

    app.get(path)(read)
    app.put(path)(replace)
    app.patch(path)(patch)
    app.delete(path)(delete)
