"""WhatsApp ids (JIDs) and the small value conversions every parser needs."""

from __future__ import annotations

from typing import Any

from niochat.domain import phones

PERSON_SERVERS = ("s.whatsapp.net", "c.us")
GROUP_SERVER = "g.us"
LID_SERVER = "lid"


def server(jid: str | None) -> str:
    return (jid or "").rpartition("@")[2].lower()


def is_group(jid: str | None) -> bool:
    return server(jid) == GROUP_SERVER


def is_lid(jid: str | None) -> bool:
    return server(jid) == LID_SERVER


def lid_of(jid: str | None) -> str | None:
    """A LID (WhatsApp's id of a person that hides their number) as `<digits>@lid`, without a device part
    ("138401042923712:3@lid" is "138401042923712@lid"); None for anything that is not a LID."""
    if not isinstance(jid, str) or not is_lid(jid.strip()):
        return None
    user = jid.strip().rpartition("@")[0].split(":", 1)[0]
    return f"{user}@{LID_SERVER}" if user.isascii() and user.isdigit() and len(user) <= 32 else None


def phone_of(jid: str | None) -> str | None:
    """The E.164 number of a person's JID ("5511999990001@s.whatsapp.net", "5511999990001:12@s.whatsapp.net"
    or bare digits), or None for groups, LIDs and anything that is not a valid number."""
    if not jid or not isinstance(jid, str):
        return None
    user, at, host = jid.partition("@")
    if at and host.lower() not in PERSON_SERVERS:
        return None
    digits = phones.digits(user.split(":", 1)[0])
    if not 8 <= len(digits) <= 15:
        return None
    try:
        return phones.normalize("+" + digits)
    except phones.InvalidPhone:
        return None


def first_phone(*candidates: Any) -> str | None:
    for candidate in candidates:
        phone = phone_of(candidate) if isinstance(candidate, str) else None
        if phone:
            return phone
    return None


def text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def string(value: Any) -> str | None:
    """A JSON string as is (not stripped); anything else (absent, null, a number) as None."""
    return value if isinstance(value, str) else None


def mapping(value: Any) -> dict[str, Any]:
    """A JSON object as is; anything else (absent, null, a list, a string) as an empty one."""
    return value if isinstance(value, dict) else {}


def name(*candidates: Any) -> str | None:
    """The first non-blank name, capped to the contact name's length."""
    for candidate in candidates:
        value = text(candidate)
        if value:
            return value[:255]
    return None


def truthy(value: Any) -> bool:
    """Booleans as providers send them: true, "true", "True", 1."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def number(value: Any) -> int | None:
    """An integer from an int, a float or a numeric string (Evolution sends fileLength as "439195")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, dict) and "low" in value:  # protobuf Long serialized by Baileys
        return number(value.get("low"))
    return None


def seconds(value: Any) -> float | None:
    """A provider timestamp in seconds: Uazapi sends milliseconds, Evolution seconds."""
    stamp = number(value)
    if stamp is None or stamp <= 0:
        return None
    return stamp / 1000 if stamp > 10_000_000_000 else float(stamp)
