"""What every area's shapes use: the base model, the error bodies, shared aliases and references, DRF pages."""

from __future__ import annotations

import typing
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

Timestamp = str  # ISO 8601, UTC, microseconds
Attributes = dict[str, Any]
UserType = Literal["superadmin", "admin", "agent"]


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


def mirror(name: str, view: type, doc: str | None = None, **precise: Any) -> type[Shape]:
    """The response model `name` of a view (a TypedDict of niochat/<area>/views.py, the one list of its fields):
    the view's fields in its order and with its types, but where `precise` says more of a field — a narrower
    type (a Literal), or `(type, Field(description=...))`. The fields of a view with total=False (each may be
    left out) are optional, None when absent."""
    optional: frozenset[str] = getattr(view, "__optional_keys__", frozenset())
    fields = {
        field: precise.pop(field, (hint | None, None) if field in optional else hint)
        for field, hint in typing.get_type_hints(view).items()
    }
    assert not precise, f"{view.__name__} has no {sorted(precise)}"
    model: type[Shape] = create_model(name, __base__=Shape, __doc__=doc, **fields)
    return model


class Error(Shape):
    """Every error but one (see PlainError): the seed's `{"error", "message", "details"}`."""

    error: str = Field(description="The error's type: ValidationError, AuthenticationError, PermissionError…")
    message: str = Field(description="What went wrong, in Portuguese")
    details: dict[str, Any] | None = Field(
        None, description="For a ValidationError: `field`, `message` and `errors` (every problem)"
    )


class PlainError(Shape):
    """The seed's `{"error": <message>}`, used only by `POST /api/auth/session-timeout/`."""

    error: str


class MessageBody(Shape):
    message: str


class Person(Shape):
    """Who did something: a user's id, username and (when known) first name."""

    id: int
    username: str
    first_name: str | None = None


def page_of(name: str, item: dict[str, Any]) -> dict[str, Any]:
    """DRF's page `{count, next, previous, results}` of `item` (a JSON schema)."""
    nullable_url = {"type": ["string", "null"], "format": "uri"}
    return {
        "title": name,
        "type": "object",
        "additionalProperties": False,
        "required": ["count", "next", "previous", "results"],
        "properties": {
            "count": {"type": "integer", "minimum": 0},
            "next": nullable_url,
            "previous": nullable_url,
            "results": {"type": "array", "items": item},
        },
    }
