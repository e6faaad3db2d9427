"""Text folding for search: accents and case ignored (any script: `ß` is `ss`, `Иван` is `иван`), split into
words of letters and digits."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script
MAX_INDEXED_WORDS = 12
# A word is indexed (and searched) by its first 64 characters: NFKD may expand one character into many
# (`ﷺ` is 18), and an index key must stay far below DynamoDB's 1 KB.
MAX_WORD_CHARS = 64


def fold(text: str) -> str:
    """Case-folded first (`ß` → `ss`, `İ` → `i̇`), then compatibility-decomposed with the marks dropped."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Distinct folded words, in order, at most MAX_INDEXED_WORDS (what the name index stores)."""
    return list(dict.fromkeys(word[:MAX_WORD_CHARS] for word in _WORD.findall(fold(text))))[:MAX_INDEXED_WORDS]
