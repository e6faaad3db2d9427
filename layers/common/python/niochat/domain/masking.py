"""Masking secrets for display: enough to recognise one, never enough to use it."""

from __future__ import annotations

MASK = "…"
# Below this length, showing 8 characters would give away most of the value: show nothing.
MIN_PARTIAL = 12


def mask(value: str | None) -> str | None:
    """`abcd…wxyz` (first 4, "…", last 4); shorter values are fully masked."""
    if value is None:
        return None
    if len(value) < MIN_PARTIAL:
        return MASK
    return f"{value[:4]}{MASK}{value[-4:]}"


def is_mask_of(candidate: object, value: str | None) -> bool:
    """True when a client sent back the masked form it was shown (meaning "unchanged")."""
    return value is not None and isinstance(candidate, str) and candidate == mask(value)
