"""The parts of a message both providers describe the same way: WhatsApp's own message kinds (the protobuf
names both forward), locations, contact cards and protocol messages."""

from __future__ import annotations

import re
from typing import Any

from niochat.domain.messages import MediaType
from niochat.webhooks import jids
from niochat.webhooks.events import Chat, Delete, Edit, Ignored, InboundEvent, Media

# WhatsApp message kinds (lower-cased, "Message" suffix dropped) → our media type.
KINDS: dict[str, MediaType] = {
    "conversation": MediaType.TEXT,
    "extendedtext": MediaType.TEXT,
    "text": MediaType.TEXT,
    "image": MediaType.IMAGE,
    "audio": MediaType.AUDIO,
    "ptt": MediaType.VOICE,
    "video": MediaType.VIDEO,
    "ptv": MediaType.VIDEO,
    "document": MediaType.DOCUMENT,
    "documentwithcaption": MediaType.DOCUMENT,
    "sticker": MediaType.STICKER,
    "location": MediaType.LOCATION,
    "livelocation": MediaType.LOCATION,
    "contact": MediaType.CONTACT,
    "contactsarray": MediaType.CONTACT,
}

# ProtocolMessage.Type values (numbers from whatsmeow's JSON, names from Baileys').
REVOKE = {0, "0", "REVOKE"}
MESSAGE_EDIT = {14, "14", "MESSAGE_EDIT"}

_TEL = re.compile(r"^(?:item\d+\.)?TEL[^:]*:(.+)$", re.IGNORECASE | re.MULTILINE)
_WAID = re.compile(r"waid=(\d+)", re.IGNORECASE)


def kind_of(message_type: str | None) -> MediaType | None:
    key = (message_type or "").strip().lower()
    key = key[: -len("message")] if key.endswith("message") and key != "message" else key
    return KINDS.get(key)


def location(body: dict[str, Any], url_key: str = "url") -> tuple[str, dict]:
    """A locationMessage → content and `additional_attributes.location` (Baileys' JSON names its link `url`,
    whatsmeow's `URL`)."""
    latitude = _coordinate(body.get("degreesLatitude"))
    longitude = _coordinate(body.get("degreesLongitude"))
    place_name, place_address = jids.text(body.get("name")) or None, jids.text(body.get("address")) or None
    place = {
        "latitude": latitude,
        "longitude": longitude,
        "name": place_name,
        "address": place_address,
        "url": jids.text(body.get(url_key)) or None,
    }
    label = ", ".join(part for part in (place_name, place_address) if part)
    coords = f"{latitude}, {longitude}" if latitude is not None and longitude is not None else ""
    content = f"📍 {label} ({coords})" if label and coords else f"📍 {label or coords or 'Localização'}"
    return content, {"location": place}


def _coordinate(value: Any) -> float | None:
    try:
        return round(float(value), 7) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def vcard_phones(vcard: str) -> list[str]:
    """The numbers of a vCard's TEL lines (the `waid` WhatsApp adds when present, else the written number)."""
    found: list[str] = []
    for line in _TEL.finditer(vcard or ""):
        raw = line.group(0)
        waid = _WAID.search(raw)
        phone = jids.phone_of(waid.group(1)) if waid else jids.phone_of(re.sub(r"[^\d]", "", line.group(1)))
        value = phone or line.group(1).strip()
        if value and value not in found:
            found.append(value)
    return found


def contact_cards(body: dict[str, Any]) -> tuple[str, dict]:
    """A contactMessage or contactsArrayMessage (its `contacts`) → content and `additional_attributes.contact`
    (the first card; all in `contacts`)."""
    cards = [(c.get("displayName"), c.get("vcard")) for c in body.get("contacts") or [] if isinstance(c, dict)]
    parsed = []
    for display_name, vcard in cards or [(body.get("displayName"), body.get("vcard"))]:
        vcard_text = vcard if isinstance(vcard, str) else ""
        parsed.append(
            {
                "name": jids.text(display_name) or _vcard_name(vcard_text),
                "phones": vcard_phones(vcard_text),
                "vcard": vcard_text,
            }
        )
    if not parsed:
        return "👤 Contato", {}
    lines = [
        f"👤 {card['name'] or 'Contato'}" + (f": {', '.join(card['phones'])}" if card["phones"] else "")
        for card in parsed
    ]
    attributes: dict[str, Any] = {"contact": parsed[0]}
    if len(parsed) > 1:
        attributes["contacts"] = parsed
    return "\n".join(lines), attributes


def media(body: dict[str, Any]) -> Media:
    """The file of an image, audio, video, document or sticker message, as its message object describes it."""
    return Media(
        mime_type=jids.text(body.get("mimetype")) or None,
        file_name=jids.text(body.get("fileName")) or jids.text(body.get("title")) or None,
        size=jids.number(body.get("fileLength")),
        seconds=jids.number(body.get("seconds")),
    )


def _vcard_name(vcard: str) -> str | None:
    match = re.search(r"^FN[^:]*:(.+)$", vcard or "", re.MULTILINE)
    return match.group(1).strip() if match else None


def text_of(message: Any) -> str:
    """The text of a WhatsApp message object (an edit's new content): conversation or extendedTextMessage, or a
    media caption."""
    if not isinstance(message, dict):
        return ""
    for key in ("conversation", "Conversation"):
        if isinstance(message.get(key), str):
            return message[key]
    for key, value in message.items():
        if isinstance(value, dict):
            for field in ("text", "caption"):
                if isinstance(value.get(field), str) and key.lower().endswith("message"):
                    return value[field]
    return ""


def key_id(key: Any) -> str:
    """The message id in a WhatsApp message key (`id` in Baileys' JSON, `ID` in whatsmeow's)."""
    if not isinstance(key, dict):
        return ""
    return jids.text(key.get("id") or key.get("ID") or key.get("Id"))


def protocol_event(protocol: dict[str, Any], chat: Chat, stamp: float | None) -> InboundEvent:
    """A WhatsApp ProtocolMessage (each provider finds it in its own payload): a revoke deletes its target, an
    edit changes its text; any other type is ignored."""
    target = key_id(protocol.get("key"))
    kind = protocol.get("type")
    if not target:
        return Ignored("protocol message without a target")
    if kind in REVOKE:
        return Delete(target, chat, stamp)
    if kind in MESSAGE_EDIT or protocol.get("editedMessage"):
        return Edit(target, text_of(protocol.get("editedMessage")), chat, stamp)
    return Ignored(f"protocol message {kind!r} not handled")
