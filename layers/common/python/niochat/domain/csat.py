"""CSAT (pure): reading a customer's answer to a satisfaction survey, and the survey's texts.

An answer is a rating at the start of the message, optionally followed by a short comment:

- one of the survey's five emojis (😡 1, 😕 2, 😐 3, 🙂 4, 🤩 5), variation selectors and skin tones ignored,
  repeated or not ("🤩🤩");
- a digit 1–5 on its own ("5", "5 estrelas", "nota 4", "4⭐"), not part of a number ("10", "3.5", "1234");
- a word (péssimo 1, ruim 2, regular 3, bom 4, ótimo/excelente 5), case and accents ignored, as a whole word
  ("bomba" is none) and not a greeting ("bom dia", "bom diaaa", "boa tarde" are none).

Anything else — "minha internet caiu", "não", an empty text, a long message — is no answer: the caller treats
it as a normal message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from niochat.domain.text import fold

EMOJIS: dict[int, str] = {1: "😡", 2: "😕", 3: "😐", 4: "🙂", 5: "🤩"}
LABELS: dict[int, str] = {1: "Péssimo", 2: "Ruim", 3: "Regular", 4: "Bom", 5: "Excelente"}
WORDS: dict[str, int] = {"pessimo": 1, "ruim": 2, "regular": 3, "bom": 4, "otimo": 5, "excelente": 5}
GREETINGS = ("dia", "tarde", "noite")
# A comment longer than this is a message of its own, not an answer with a remark.
MAX_COMMENT_CHARS = 500
# Ignored around an emoji: variation selectors, skin tones, zero-width joiners.
_IGNORED = re.compile("[\ufe0e\ufe0f\u200d\U0001f3fb-\U0001f3ff]")
_SEPARATORS = " \t\r\n.,;:!?-–—()[]*_~\"'"
_DIGIT = re.compile(r"^(?:nota\s*:?\s*)?([1-5])(?![\d.,]\d)(?!\d)")
_STARS = re.compile(r"^(?:⭐|\*)+|^estrelas?\b", re.IGNORECASE)
_WORD = re.compile(r"^([^\W\d_]+)")

DEFAULT_SURVEY = (
    "Olá {nome}! Gostaríamos de saber como foi seu atendimento na {provedor}. Sua opinião faz toda a diferença "
    "para melhorarmos nossos serviços!\n\n😡 Péssimo | 😕 Ruim | 😐 Regular | 🙂 Bom | 🤩 Excelente"
)
DEFAULT_THANKS = "Obrigado pelo seu feedback! Sua opinião é muito importante para nós. 😊"
PLACEHOLDERS = ("nome", "provedor")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Rating:
    value: int  # 1–5
    comment: str  # what followed the rating ("" when nothing did)

    @property
    def emoji(self) -> str:
        return EMOJIS[self.value]

    @property
    def label(self) -> str:
        return LABELS[self.value]


def _rest(text: str) -> str:
    return text.lstrip(_SEPARATORS)


def _comment(rest: str) -> str | None:
    comment = _rest(_STARS.sub("", _rest(rest), count=1)).strip()
    return comment if len(comment) <= MAX_COMMENT_CHARS else None


def parse_rating(text: str | None) -> Rating | None:
    """The rating a message gives, or None when it is not an answer."""
    raw = _IGNORED.sub("", unicodedata.normalize("NFC", text or "")).strip()
    if not raw:
        return None
    for value, emoji in EMOJIS.items():
        if raw.startswith(emoji):
            rest = raw.lstrip(emoji)
            comment = _comment(rest)
            return Rating(value, comment) if comment is not None else None
    folded = fold(raw)
    digit = _DIGIT.match(folded)
    if digit:
        comment = _comment(raw[_original_length(raw, digit.end()) :])
        return Rating(int(digit.group(1)), comment) if comment is not None else None
    word = _WORD.match(folded)
    if word is None or word.group(1) not in WORDS:
        return None
    after = _rest(folded[word.end() :])
    if word.group(1) == "bom" and re.match(rf"^({'|'.join(GREETINGS)})", after):
        return None  # "bom dia", "bom diaaa": a greeting
    comment = _comment(raw[_original_length(raw, word.end()) :])
    return Rating(WORDS[word.group(1)], comment) if comment is not None else None


def _original_length(raw: str, folded_length: int) -> int:
    """How many characters of `raw` fold into the first `folded_length` folded characters."""
    for index in range(len(raw) + 1):
        if len(fold(raw[:index])) >= folded_length:
            return index
    return len(raw)


# -- settings and texts --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    enabled: bool = True
    delay_minutes: int = 2
    expiry_minutes: int = 1440
    survey_text: str = DEFAULT_SURVEY
    thanks_text: str = DEFAULT_THANKS

    @classmethod
    def of(cls, stored: Mapping[str, Any] | None, override: Mapping[str, Any] | None = None) -> Settings:
        """The provedor's stored settings with an inbox's override on top (unset fields: the defaults)."""
        fields = {name: value for name, value in (stored or {}).items() if name in cls.__dataclass_fields__}
        fields.update({k: v for k, v in (override or {}).items() if k in cls.__dataclass_fields__ and v is not None})
        return cls(**fields)


def unknown_placeholders(template: str) -> list[str]:
    """The `{…}` of a template that are not {nome} or {provedor}."""
    return sorted({name for name in _PLACEHOLDER.findall(template) if name not in PLACEHOLDERS})


def survey_text(template: str, contact_name: str | None, provedor_name: str) -> str:
    """The survey with {nome} (the contact's first name, or "cliente") and {provedor} filled in."""
    first = (contact_name or "").strip().split(" ")[0] or "cliente"
    return template.replace("{nome}", first).replace("{provedor}", provedor_name)
