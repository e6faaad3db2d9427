"""Masking secrets for display: enough to recognise one, never enough to use it."""

from __future__ import annotations

from typing import Any

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


# Which parts of a value are secrets: `name: True` a secret, `False` public, a subtree for a nested object
# (lists hold objects of the subtree's shape). A key the tree does not name is a secret: what is not declared
# public is never shown.
SecretTree = dict[str, "SecretTree | bool"]


def _hidden(value: Any) -> Any:
    if value is None:
        return None
    return mask(value) if isinstance(value, str) else MASK


def mask_secrets(value: Any, tree: SecretTree) -> Any:
    """`value` with every secret the tree declares (and every key it does not) masked, at any depth."""
    if isinstance(value, list):
        return [mask_secrets(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    shown: dict[str, Any] = {}
    for key, item in value.items():
        rule = tree.get(key, True)
        if rule is True:
            shown[key] = _hidden(item)
        elif rule is False:
            shown[key] = item
        else:
            shown[key] = mask_secrets(item, rule) if isinstance(item, dict | list) else item
    return shown


def restore_secrets(sent: Any, stored: Any, tree: SecretTree) -> Any:
    """`sent` with every secret that is the masked form of the stored one replaced by the stored value (a
    client sending back what it was shown means "unchanged")."""
    if isinstance(sent, list) and isinstance(stored, list):
        return [restore_secrets(s, stored[i] if i < len(stored) else None, tree) for i, s in enumerate(sent)]
    if not isinstance(sent, dict) or not isinstance(stored, dict):
        return sent
    restored: dict[str, Any] = {}
    for key, item in sent.items():
        rule = tree.get(key, True)
        kept = stored.get(key)
        if rule is True:
            restored[key] = kept if isinstance(kept, str) and is_mask_of(item, kept) else item
        elif rule is False:
            restored[key] = item
        else:
            restored[key] = restore_secrets(item, kept, rule)
    return restored
