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
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple, NotRequired, TypedDict

from niochat.domain.text import fold
from niochat.domain.users import UserRef

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


class Rating(NamedTuple):
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
class Settings(NamedTuple):
    enabled: bool = True
    delay_minutes: int = 2
    expiry_minutes: int = 1440
    survey_text: str = DEFAULT_SURVEY
    thanks_text: str = DEFAULT_THANKS

    @classmethod
    def of(cls, stored: Mapping[str, Any] | None, override: Mapping[str, Any] | None = None) -> Settings:
        """The provedor's stored settings with an inbox's override on top (unset fields: the defaults)."""
        fields = {name: value for name, value in (stored or {}).items() if name in cls._fields}
        fields.update({k: v for k, v in (override or {}).items() if k in cls._fields and v is not None})
        return cls(**fields)


def unknown_placeholders(template: str) -> list[str]:
    """The `{…}` of a template that are not {nome} or {provedor}."""
    return sorted({name for name in _PLACEHOLDER.findall(template) if name not in PLACEHOLDERS})


def survey_text(template: str, contact_name: str | None, provedor_name: str) -> str:
    """The survey with {nome} (the contact's first name, or "cliente") and {provedor} filled in."""
    first = (contact_name or "").strip().split(" ")[0] or "cliente"
    return template.replace("{nome}", first).replace("{provedor}", provedor_name)


# -- requests and feedback -----------------------------------------------------------------------------------
class RequestStatus(StrEnum):
    PENDING = "pending"  # waiting for its send time
    SENDING = "sending"  # the survey is being sent
    SENT = "sent"  # waiting for the customer's answer
    ANSWERED = "answered"
    EXPIRED = "expired"  # sent, and not answered within expiry_minutes
    CANCELLED = "cancelled"  # the conversation reopened, or a new one started, before the send
    FAILED = "failed"  # the provider refused every attempt


STATUSES: tuple[RequestStatus, ...] = tuple(RequestStatus)
# What the send timer still works on (`sending`: after an attempt that died midway).
UNSENT: tuple[RequestStatus, ...] = (RequestStatus.PENDING, RequestStatus.SENDING)
MAX_SEND_ATTEMPTS = 3
# Waits before the second and third send attempts.
SEND_RETRY_SECONDS = (60, 300)
WEBHOOK_CHANNEL = "webhook"


class CsatRequest(TypedDict):
    """A survey of one care cycle (one close) of a conversation. `agent` and `team` are the conversation's
    at the close. Nullable fields are NotRequired: the store drops attributes whose value is None."""

    id: int
    provedor_id: int
    conversation_id: int
    contact_id: int
    contact_name: str
    inbox_id: int
    channel_type: str
    status: str  # RequestStatus
    agent: NotRequired[UserRef | None]
    team: NotRequired[dict[str, Any] | None]
    conversation_ended_at: str  # the close this request surveys (the conversation's closed_at)
    scheduled_send_at: str
    attempts: int
    created_at: str
    updated_at: str
    sent_at: NotRequired[str]
    expires_at: NotRequired[str]
    answered_at: NotRequired[str]
    cancelled_at: NotRequired[str]
    failed_at: NotRequired[str]
    error: NotRequired[str]
    message_id: NotRequired[int]  # the survey as an outgoing message of the conversation
    feedback_id: NotRequired[int]


def new_request(
    request_id: int,
    conversation: Mapping[str, Any],
    contact_name: str,
    channel_type: str,
    send_at: str,
    now: str,
) -> CsatRequest:
    """The request a close makes, due at `send_at`."""
    request: CsatRequest = {
        "id": request_id,
        "provedor_id": int(conversation["provedor_id"]),
        "conversation_id": int(conversation["id"]),
        "contact_id": int(conversation["contact_id"]),
        "contact_name": contact_name,
        "inbox_id": int(conversation["inbox_id"]),
        "channel_type": channel_type,
        "status": str(RequestStatus.PENDING),
        "agent": conversation.get("assignee"),
        "team": conversation.get("team"),
        "conversation_ended_at": str(conversation["closed_at"]),
        "scheduled_send_at": send_at,
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }
    return request


class Feedback(TypedDict):
    """A customer's answer to a request."""

    id: int
    provedor_id: int
    request_id: int
    conversation_id: int
    contact_id: int
    contact_name: str
    contact_phone: NotRequired[str | None]
    contact_photo: NotRequired[str | None]
    rating_value: int
    emoji_rating: str
    rating_display: str
    feedback: str
    original_message: str
    channel_type: str  # the inbox's channel, or "webhook" for an answer through POST /api/csat/webhook/
    agent: NotRequired[UserRef | None]
    team: NotRequired[dict[str, Any] | None]
    conversation_ended_at: str
    feedback_sent_at: str  # when the customer answered
    response_time_minutes: float  # from the close to the answer
    message_id: NotRequired[int]  # the answer as an incoming message, when it came through WhatsApp


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def new_feedback(
    feedback_id: int,
    request: Mapping[str, Any],
    contact: Mapping[str, Any],
    rating: Rating,
    original: str,
    channel_type: str,
    answered_at: str,
) -> Feedback:
    ended = str(request["conversation_ended_at"])
    minutes = max(0.0, (_epoch(answered_at) - _epoch(ended)) / 60)
    return {
        "id": feedback_id,
        "provedor_id": int(request["provedor_id"]),
        "request_id": int(request["id"]),
        "conversation_id": int(request["conversation_id"]),
        "contact_id": int(request["contact_id"]),
        "contact_name": str(contact.get("name") or request.get("contact_name") or ""),
        "contact_phone": contact.get("phone"),
        "contact_photo": contact.get("avatar"),
        "rating_value": rating.value,
        "emoji_rating": rating.emoji,
        "rating_display": rating.label,
        "feedback": rating.comment,
        "original_message": original,
        "channel_type": channel_type,
        "agent": request.get("agent"),
        "team": request.get("team"),
        "conversation_ended_at": ended,
        "feedback_sent_at": answered_at,
        "response_time_minutes": round(minutes, 1),
    }


def surveyed(conversation: Mapping[str, Any]) -> bool:
    """Whether a close of this conversation is surveyed at all (never a group chat's)."""
    return not (conversation.get("additional_attributes") or {}).get("is_group")
