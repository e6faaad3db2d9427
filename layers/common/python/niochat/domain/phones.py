"""Phone numbers: one canonical E.164 form per number, Brazil as the default region.

A Brazilian mobile written without its ninth digit (the old 8-digit form) is the same number as with it,
so the canonical form always has the nine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import phonenumbers

DEFAULT_REGION = "BR"


class InvalidPhone(ValueError):
    pass


def _with_ninth_digit(number: phonenumbers.PhoneNumber) -> phonenumbers.PhoneNumber:
    import phonenumbers

    national = str(number.national_number)
    # DDD (2 digits) + 8-digit subscriber starting with 6-9: an old-style mobile → add the 9.
    if number.country_code == 55 and len(national) == 10 and national[2] in "6789":
        return phonenumbers.parse(f"+55{national[:2]}9{national[2:]}")
    return number


def normalize(raw: str) -> str:
    """The canonical E.164 form (`+5511999999999`) of `raw`, or InvalidPhone."""
    import phonenumbers  # ~30 ms: loaded by the first request that needs it, not by every cold start

    text = (raw or "").strip()
    if not text or len(text) > 40:
        raise InvalidPhone("Número de telefone inválido")
    digits = "".join(ch for ch in text if ch.isdigit())
    # WhatsApp ids and many integrations send the country code without "+".
    if not text.startswith("+") and digits.startswith("55") and len(digits) in (12, 13):
        text = "+" + digits
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise InvalidPhone("Número de telefone inválido") from None
    number = _with_ninth_digit(number)
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone("Número de telefone inválido")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())
