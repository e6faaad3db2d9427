"""What every area's shapes use: the base model, the error bodies, shared aliases and references, DRF pages."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Timestamp = str  # ISO 8601, UTC, microseconds
Attributes = dict[str, Any]
UserType = Literal["superadmin", "admin", "agent"]


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


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
