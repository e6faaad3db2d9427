"""Text folding for search: accents and case ignored, split into words."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")
MAX_INDEXED_WORDS = 12


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words(text: str) -> list[str]:
    """Distinct folded words, in order, at most MAX_INDEXED_WORDS (what the name index stores)."""
    return list(dict.fromkeys(_WORD.findall(fold(text))))[:MAX_INDEXED_WORDS]
