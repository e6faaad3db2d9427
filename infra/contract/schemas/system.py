"""Health and changelog."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from infra.contract.schemas.common import Shape, Timestamp


class Check(Shape):
    status: Literal["ok", "error"]
    latency_ms: float | None = None
    error: str | None = Field(None, description="The failing dependency's error code (its text is only logged)")


class Health(Shape):
    status: Literal["ok", "unavailable"]
    time: Timestamp
    checks: dict[str, Check]
    error: str | None = None
    message: str | None = None
    details: dict[str, Any] | None = None


class Version(Shape):
    version: str
    date: str | None
    changes: dict[str, list[str]]


class Changelog(Shape):
    current_version: str | None
    versions: list[Version]
