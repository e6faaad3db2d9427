"""One REST operation of the contract: what the OpenAPI document and the Postman collection say about a route.

`path` is written as the function's resolver registers it (`/api/contacts/<contact_id>/`), so a test can
match every operation to the route that serves it and every route to its operations (tests/unit/
test_contract.py): a route cannot exist without its entry here, nor an entry without its route.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

PATH_PARAM = re.compile(r"<([a-z_]+)>")


@dataclass(frozen=True)
class Var:
    """A value the Postman collection takes from its environment (`{{name}}`); the OpenAPI example shows
    `sample`."""

    name: str
    sample: Any = 1


@dataclass(frozen=True)
class Page:
    """A DRF page of `item` (a response model, or a tuple of models any of which an item may be)."""

    item: type[BaseModel] | tuple[type[BaseModel], ...]


@dataclass(frozen=True)
class Raw:
    """A response that is not (only) JSON: its media types and a JSON schema of the body (None: no body)."""

    media_type: str | tuple[str, ...]
    schema: dict[str, Any] | None = None
    headers: tuple[str, ...] = ()


Response = type[BaseModel] | tuple[type[BaseModel], ...] | Page | Raw | dict[str, Any] | None


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    summary: str
    tag: str
    # The success status and its body (None: no body, as for a 204).
    status: int = 200
    response: Response = None
    query: tuple[type[BaseModel], ...] = ()
    body: type[BaseModel] | dict[str, Any] | None = None
    multipart: bool = False
    example: dict[str, Any] | None = None
    # Error statuses beyond those every operation of its kind has (see `errors`).
    extra_errors: tuple[int, ...] = ()
    # Answers documented with another body than the error shape: status → response.
    other: dict[int, Response] = field(default_factory=dict)
    public: bool = False
    description: str = ""
    # Path parameters that are not integer ids: name → JSON schema.
    path_schemas: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Postman: environment variables set from a 2xx response's JSON (variable → top-level field).
    captures: dict[str, str] = field(default_factory=dict)
    # The server the operation is reached on, when not the REST API's (the webhooks' Function URL).
    server: dict[str, Any] | None = None

    @property
    def path_params(self) -> list[str]:
        return PATH_PARAM.findall(self.path)

    @property
    def openapi_path(self) -> str:
        return PATH_PARAM.sub(r"{\1}", self.path)

    @property
    def paginated(self) -> bool:
        return isinstance(self.response, Page)

    def errors(self) -> list[int]:
        """Every error status the operation may answer: 401 and 403 when authenticated (a suspended provedor's
        token is a 403 everywhere), 400 when it reads a body or a query (a page's `page`/`cursor` included),
        414 when it reads a query (the gateway refuses URLs over 8,192 characters, as API Gateway does), 404
        for an id in the path or a page past the end, and its own."""
        statuses = set(self.extra_errors)
        if not self.public:
            statuses |= {401, 403}
        if self.body is not None or self.query or self.multipart or self.paginated:
            statuses.add(400)
        if self.query or self.paginated:
            statuses.add(414)
        if self.path_params or self.paginated:
            statuses.add(404)
        return sorted(statuses)
