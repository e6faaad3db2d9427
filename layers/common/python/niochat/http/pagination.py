"""DRF-style pages: {count, next, previous, results}, with `page`, `page_size` (max 100) and an opaque
`cursor` in the next/previous URLs so that following them costs one bounded Query per page."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from pydantic import BaseModel, Field, field_validator

from niochat.errors import NotFound, ValidationError
from niochat.store import pages
from niochat.store.pages import Partition

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PageParams(BaseModel):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1)
    cursor: str | None = Field(None, max_length=2048)

    @field_validator("page_size")
    @classmethod
    def _clamp(cls, value: int) -> int:
        return min(value, MAX_PAGE_SIZE)  # DRF clamps to max_page_size rather than refusing


def _encode(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> dict[str, Any]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict) or data.get("d") not in ("a", "b") or not isinstance(data.get("k"), dict):
        raise ValidationError.field("cursor", "Cursor inválido")
    return data


def base_url(app: APIGatewayRestResolver) -> str:
    """The URL of this request without its query string, as the client called it (stage included)."""
    event = app.current_event
    headers = {k.lower(): v for k, v in (event.headers or {}).items()}
    proto = headers.get("x-forwarded-proto", "https")
    host = headers.get("host", "localhost")
    path = event.request_context.path or event.path
    return f"{proto}://{host}{path}"


def paginate(
    app: APIGatewayRestResolver,
    partition: Partition,
    params: PageParams,
    count: int,
    serialize: Callable[[list[dict[str, Any]]], list[Any]],
) -> dict[str, Any]:
    """One page of `partition` as the DRF response body. `serialize` turns the page's items into results
    (it may batch-read what the page needs)."""
    size = params.page_size
    if params.cursor:
        cursor = _decode(params.cursor)
        if not partition.owns(cursor["k"]):
            raise ValidationError.field("cursor", "Cursor inválido")
        number = max(1, int(cursor.get("p", 1)))
        page = (
            pages.after(partition, size, cursor["k"])
            if cursor["d"] == "a"
            else pages.before(partition, size, cursor["k"])
        )
    else:
        number = params.page
        start = pages.skip_to(partition, (number - 1) * size) if number > 1 else None
        if number > 1 and start is None:
            raise NotFound("Página inválida", {"field": "page", "message": "Página inválida"})
        page = pages.after(partition, size, start)
        if number > 1 and not page.items:
            raise NotFound("Página inválida", {"field": "page", "message": "Página inválida"})

    query = {k: v for k, v in (app.current_event.query_string_parameters or {}).items() if k not in ("page", "cursor")}
    url = base_url(app)

    def link(page_number: int, direction: str | None, item: dict[str, Any] | None) -> str:
        args = dict(query)
        args["page"] = str(page_number)
        if direction and item is not None:
            args["cursor"] = _encode({"d": direction, "k": pages.cursor_key(item, partition), "p": page_number})
        return f"{url}?{urlencode(args)}"

    next_url = link(number + 1, "a", page.items[-1]) if page.has_after and page.items else None
    previous_url = None
    if number > 1 and page.has_before and page.items:
        previous_url = link(1, None, None) if number == 2 else link(number - 1, "b", page.items[0])
    return {"count": count, "next": next_url, "previous": previous_url, "results": serialize(page.items)}
