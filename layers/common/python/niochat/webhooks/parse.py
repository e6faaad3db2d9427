"""Which provider sent a delivery, the proof it carries, and its event.

Recognised by shape, not by the inbox's configured provider: Uazapi deliveries carry `EventType`, Evolution's
`event` + `data`; the seed documents a simplified `{"event": "message", "data": {"message": {id, from, to,
content, timestamp}}}`, and Uazapi's own documentation an `{"event": "message", "data": {<message>}}`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from niochat.domain.messages import MediaType
from niochat.webhooks import evolution, jids, uazapi
from niochat.webhooks.events import Chat, Ignored, InboundEvent, Message


class Delivery(NamedTuple):
    provider: str  # "uazapi" | "evolution" | "simple" | "unknown"
    proof: str | None  # the provider's instance token / apikey carried in the body
    instance: str | None  # the instance the delivery names (informative: the proof decides)


def identify(payload: dict[str, Any]) -> Delivery:
    if uazapi.is_uazapi(payload):
        return Delivery("uazapi", uazapi.proof(payload), uazapi.instance(payload))
    if _is_simple(payload):
        return Delivery("simple", None, None)
    if _is_uazapi_documented(payload):
        return Delivery("uazapi", uazapi.proof(payload), evolution.instance(payload))
    if evolution.is_evolution(payload):
        return Delivery("evolution", evolution.proof(payload), evolution.instance(payload))
    return Delivery("unknown", uazapi.proof(payload) or evolution.proof(payload), None)


def parse(payload: dict[str, Any], delivery: Delivery | None = None) -> InboundEvent:
    delivery = delivery or identify(payload)
    if delivery.provider == "uazapi":
        if _is_uazapi_documented(payload):
            return uazapi.parse({"EventType": "messages", "message": payload["data"], "chat": {}})
        return uazapi.parse(payload)
    if delivery.provider == "evolution":
        return evolution.parse(payload)
    if delivery.provider == "simple":
        return _simple(payload["data"]["message"])
    return Ignored("unrecognised payload")


def _is_simple(payload: dict[str, Any]) -> bool:
    data = payload.get("data")
    message = data.get("message") if isinstance(data, dict) else None
    return payload.get("event") == "message" and isinstance(message, dict) and "from" in message


def _is_uazapi_documented(payload: dict[str, Any]) -> bool:
    data = payload.get("data")
    return payload.get("event") == "message" and isinstance(data, dict) and "messageid" in data


def _simple(message: dict[str, Any]) -> InboundEvent:
    external_id = jids.text(str(message.get("id") or ""))
    phone = jids.phone_of(jids.text(message.get("from")))
    if not external_id:
        return Ignored("message without an id")
    if phone is None:
        return Ignored("chat without a phone number")
    content = message.get("content")
    return Message(
        external_id=external_id,
        chat=Chat(jid=f"{phone[1:]}@s.whatsapp.net", phone=phone),
        media_type=MediaType.TEXT,
        content=content if isinstance(content, str) else "",
        timestamp=_iso_seconds(message.get("timestamp")),
    )


def _iso_seconds(value: Any) -> float | None:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return jids.seconds(value)
