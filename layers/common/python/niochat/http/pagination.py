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
from pydantic import Field, field_validator

from niochat.errors import NotFound, ValidationError
from niochat.http.urls import base_url
from niochat.models import RequestModel
from niochat.store import merge, pages
from niochat.store.pages import Partition

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PageParams(RequestModel):
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
    if not isinstance(data, dict) or data.get("d") not in ("a", "b"):
        raise ValidationError.field("cursor", "Cursor inválido")
    return data


def _links(
    app: APIGatewayRestResolver, number: int, page: pages.Slice, cursor_of: Callable[[dict, str], dict[str, Any] | None]
) -> tuple[str | None, str | None]:
    query = {k: v for k, v in (app.current_event.query_string_parameters or {}).items() if k not in ("page", "cursor")}
    url = base_url(app)

    def link(page_number: int, cursor: dict[str, Any] | None) -> str:
        args = {**query, "page": str(page_number)}
        if cursor is not None:
            args["cursor"] = _encode({**cursor, "p": page_number})
        return f"{url}?{urlencode(args)}"

    next_url = link(number + 1, cursor_of(page.items[-1], "a")) if page.has_after and page.items else None
    previous_url = None
    if number > 1 and page.has_before and page.items:
        previous_url = link(1, None) if number == 2 else link(number - 1, cursor_of(page.items[0], "b"))
    return next_url, previous_url


def _page_not_found() -> NotFound:
    return NotFound("Página inválida", {"field": "page", "message": "Página inválida"})


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
        if not isinstance(cursor.get("k"), dict) or not partition.owns(cursor["k"]):
            raise ValidationError.field("cursor", "Cursor inválido")
        number = max(1, int(cursor.get("p", 1)))
        if cursor["d"] == "a":
            page = pages.after(partition, size, cursor["k"])
        else:
            page = pages.before(partition, size, cursor["k"])
    else:
        number = params.page
        start = pages.skip_to(partition, (number - 1) * size) if number > 1 else None
        if number > 1 and start is None:
            raise _page_not_found()
        page = pages.after(partition, size, start)
        if number > 1 and not page.items:
            raise _page_not_found()
    next_url, previous_url = _links(app, number, page, lambda item, d: {"d": d, "k": pages.cursor_key(item, partition)})
    return {"count": count, "next": next_url, "previous": previous_url, "results": serialize(page.items)}


def paginate_merged(
    app: APIGatewayRestResolver,
    partitions: list[Partition],
    params: PageParams,
    count: int,
    serialize: Callable[[list[dict[str, Any]]], list[Any]],
) -> dict[str, Any]:
    """One page of the union of `partitions` (same index, newest first), as the DRF response body."""
    size = params.page_size
    if params.cursor:
        cursor = _decode(params.cursor)
        if not isinstance(cursor.get("s"), str):
            raise ValidationError.field("cursor", "Cursor inválido")
        number = max(1, int(cursor.get("p", 1)))
        page = merge.newest_first(partitions, size, merge.Position(cursor["s"], older=cursor["d"] == "a"))
    else:
        number = params.page
        position = None
        for _ in range(number - 1):  # page=N without a cursor walks the pages before it
            skipped = merge.newest_first(partitions, size, position)
            if not skipped.has_after:
                raise _page_not_found()
            position = merge.Position(merge.sort_value(skipped.items[-1], partitions[0]), older=True)
        page = merge.newest_first(partitions, size, position)
        if number > 1 and not page.items:
            raise _page_not_found()

    def sort_of(item: dict[str, Any], direction: str) -> dict[str, Any]:
        return {"d": direction, "s": merge.sort_value(item, partitions[0])}

    next_url, previous_url = _links(app, number, page, sort_of)
    return {"count": count, "next": next_url, "previous": previous_url, "results": serialize(page.items)}


def paginate_list(
    app: APIGatewayRestResolver,
    items: list[dict[str, Any]],
    params: PageParams,
    serialize: Callable[[list[dict[str, Any]]], list[Any]],
) -> dict[str, Any]:
    """A page of a list already bounded in memory (e.g. search matches): plain page numbers."""
    size, number = params.page_size, params.page
    start = (number - 1) * size
    if number > 1 and start >= len(items):
        raise _page_not_found()
    window = pages.Slice(items[start : start + size], has_before=number > 1, has_after=start + size < len(items))
    next_url, previous_url = _links(app, number, window, lambda item, d: None)
    return {"count": len(items), "next": next_url, "previous": previous_url, "results": serialize(window.items)}
