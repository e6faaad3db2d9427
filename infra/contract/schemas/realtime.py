"""The realtime events a dashboard missed (the WebSocket's own shapes are in infra.contract.websocket)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from infra.contract.schemas.common import Shape


class Event(Shape):
    type: str
    id: str
    seq: int
    data: dict[str, Any]


class MissedEvents(Shape):
    results: list[Event]
    last_seq: int
    has_more: bool
    reset: bool = Field(description="Events after `after` are no longer kept: reload over REST, go on from last_seq")
