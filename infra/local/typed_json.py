"""DynamoDB's typed JSON on disk (snapshot and journal): moto holds binary values as bytes, which the files
spell in base64, as DynamoDB's wire format does."""

from __future__ import annotations

import base64
import json
from typing import Any


def _base64(value: Any) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def dumps(value: Any) -> str:
    """One compact JSON line (no newline), binary values in base64."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_base64)


def with_bytes(item: dict[str, Any]) -> dict[str, Any]:
    """An item (or key) read from a file, binary values back to bytes as moto holds them."""
    return {name: _typed(value) for name, value in item.items()}


def _typed(value: dict[str, Any]) -> dict[str, Any]:
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64decode(inner)}
    if kind == "BS":
        return {"BS": [base64.b64decode(v) for v in inner]}
    if kind == "L":
        return {"L": [_typed(v) for v in inner]}
    if kind == "M":
        return {"M": with_bytes(inner)}
    return value
