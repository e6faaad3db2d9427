"""The stream's event filters: only records of an item kind some listener wants reach the stream function
(niochat.reactions.listeners.wanted_kinds), and only new customer messages reach the AI assistant. The CDK
stack gives these patterns to the event source mappings; the local stack's pump applies the same patterns with
`matches`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from niochat.reactions.listeners import wanted_kinds


def patterns() -> list[dict[str, Any]]:
    """EventBridge-style patterns (a record passes when any one matches): inserts and updates by the new
    image's `type`, removals by the old image's."""
    kinds = sorted(wanted_kinds())
    return [
        {"eventName": ["INSERT", "MODIFY"], "dynamodb": {"NewImage": {"type": {"S": kinds}}}},
        {"eventName": ["REMOVE"], "dynamodb": {"OldImage": {"type": {"S": kinds}}}},
    ]


# New customer messages (the assistant answers them: functions/ai).
ASSISTANT_PATTERNS: list[dict[str, Any]] = [
    {
        "eventName": ["INSERT"],
        "dynamodb": {"NewImage": {"type": {"S": ["message"]}, "message_type": {"S": ["incoming"]}}},
    }
]


def _match(pattern: Any, value: Any) -> bool:
    if isinstance(pattern, list):  # one of these exact values
        return value in pattern
    if isinstance(pattern, Mapping):
        return isinstance(value, Mapping) and all(key in value and _match(p, value[key]) for key, p in pattern.items())
    return bool(pattern == value)


def matches(record: Mapping[str, Any], filters: list[dict[str, Any]] | None = None) -> bool:
    """Whether a stream record (Lambda's shape) passes the filter."""
    return any(_match(pattern, record) for pattern in (filters if filters is not None else patterns()))
