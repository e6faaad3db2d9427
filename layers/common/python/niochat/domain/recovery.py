"""Recovery campaigns (pure): bringing back leads who asked about plans and went quiet. The settings with their
defaults, what makes a conversation a lead, the attempt's text, and the states of a lead and of an attempt.

A **lead** is a conversation handled by the AI or unassigned, not closed, where a customer message mentioned a
keyword. Its timer fires `delay_minutes` after the customer's last message; each attempt schedules the next
`recovery_interval` minutes later, at most `max_attempts`. A customer reply within 48 h of an attempt recovers it
(once per conversation); a later answer, an agent taking it or a close stops it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from niochat.domain.text import fold

_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script, as niochat.domain.text splits words

DEFAULT_KEYWORDS = ("plano", "internet", "velocidade", "preço", "contratar", "instalar")
DEFAULT_MESSAGE = (
    "Olá {nome}! Vi que você demonstrou interesse em nossos planos de internet. Gostaria de conversar sobre as "
    "opções disponíveis?"
)
PLACEHOLDERS = ("nome", "provedor")
RECOVERED_WITHIN_SECONDS = 48 * 3600
AI_MAX_CHARS = 200

# A lead's states.
WATCHING, ATTEMPTING, RECOVERED, STOPPED, NO_RESPONSE = "watching", "attempting", "recovered", "stopped", "no_response"
LIVE = (WATCHING, ATTEMPTING)
# An attempt's states.
PENDING, SENT, FAILED = "pending", "sent", "failed"


class RecoverySettings(NamedTuple):
    enabled: bool = False
    delay_minutes: int = 30
    recovery_interval: int = 1440
    max_attempts: int = 3
    keywords: Sequence[str] = DEFAULT_KEYWORDS
    message: str = DEFAULT_MESSAGE
    use_ai: bool = False
    auto_discount: bool = False
    discount_percentage: int = 10
    quiet_hours: bool = True  # send only inside the provedor's opening hours (its report calendar)

    @classmethod
    def of(cls, stored: Mapping[str, Any] | None) -> RecoverySettings:
        stored, default = stored or {}, cls()
        values = {name: stored[name] for name in FIELDS if stored.get(name) is not None}
        return cls(**{**{name: getattr(default, name) for name in FIELDS}, **values})


FIELDS = ("enabled", "delay_minutes", "recovery_interval", "max_attempts", "keywords", "message", "use_ai",
          "auto_discount", "discount_percentage", "quiet_hours")  # fmt: skip


def keyword_in(text: str, keywords: Sequence[str]) -> str | None:
    """The first keyword `text` mentions, or None: accents, case and punctuation ignored ("Preço?", "preco",
    "(plano)", "plano-300"), whole words or the last word's plural ("planos", "velocidades"); a keyword of
    several words matches them in a row."""
    words = _WORD.findall(fold(text))
    for keyword in keywords:
        wanted = _WORD.findall(fold(keyword))
        if wanted and any(_at(words, i, wanted) for i in range(len(words) - len(wanted) + 1)):
            return keyword
    return None


def _at(words: Sequence[str], start: int, wanted: Sequence[str]) -> bool:
    *head, last = wanted
    found = words[start : start + len(wanted)]
    return list(found[:-1]) == head and found[-1] in (last, f"{last}s", f"{last}es")


def first_name(name: str | None) -> str:
    parts = (name or "").split()
    return parts[0].capitalize() if parts else "cliente"


def attempt_text(settings: RecoverySettings, contact_name: str | None, provedor_name: str) -> str:
    """The template filled in, with the discount offered when the settings say so."""
    text = settings.message.replace("{nome}", first_name(contact_name)).replace("{provedor}", provedor_name)
    if settings.auto_discount and settings.discount_percentage > 0:
        text = f"{text} Temos {settings.discount_percentage}% de desconto para você contratar agora!"
    return text


def conversion_rate(recovered: int, leads_attempted: int) -> float:
    """Recovered leads per lead that got at least one attempt, in percent (one decimal)."""
    return round(100.0 * recovered / leads_attempted, 1) if leads_attempted else 0.0
