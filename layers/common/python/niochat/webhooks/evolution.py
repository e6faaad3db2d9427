"""Evolution API v2 deliveries → events: `{event, instance, apikey, data}` where `event` is "messages.upsert",
"send.message" (ours), "messages.update" (receipts), "messages.delete", "messages.edited" or
"connection.update" (Evolution may also spell them "MESSAGES_UPSERT"). `data.message` is Baileys' JSON of the
WhatsApp message (`conversation`, `extendedTextMessage.text`, `imageMessage`...); timestamps are seconds.
"""

from __future__ import annotations

from typing import Any

from niochat.domain.messages import DeliveryStatus, MediaType
from niochat.webhooks import jids, kinds
from niochat.webhooks.events import (
    Chat,
    Connection,
    Delete,
    Ignored,
    InboundEvent,
    Message,
    Reaction,
    Receipt,
    Sender,
)

MESSAGE_EVENTS = {"messages.upsert", "send.message", "messages.edited"}
RECEIPTS: dict[str, DeliveryStatus] = {
    "server_ack": DeliveryStatus.SENT,
    "2": DeliveryStatus.SENT,
    "delivery_ack": DeliveryStatus.DELIVERED,
    "3": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.READ,
    "4": DeliveryStatus.READ,
    "played": DeliveryStatus.READ,
    "5": DeliveryStatus.READ,
}
CONNECTION = {"open": "connected", "close": "disconnected", "connecting": "connecting"}
# Keys of `data.message` that are not the message's kind.
NOT_KINDS = {"messageContextInfo", "base64", "mediaUrl", "contextInfo"}
WRAPPERS = ("ephemeralMessage", "viewOnceMessage", "viewOnceMessageV2", "viewOnceMessageV2Extension")


def event_name(payload: dict[str, Any]) -> str:
    return str(payload.get("event") or "").strip().lower().replace("_", ".")


def is_evolution(payload: dict[str, Any]) -> bool:
    return isinstance(payload.get("event"), str) and isinstance(payload.get("data"), dict | list)


def proof(payload: dict[str, Any]) -> str | None:
    return jids.string(payload.get("apikey")) or None


def instance(payload: dict[str, Any]) -> str | None:
    return jids.string(payload.get("instance"))


def parse(payload: dict[str, Any]) -> InboundEvent:
    name = event_name(payload)
    data = payload.get("data")
    if isinstance(data, list):  # some versions batch; each delivery is processed as its first item
        data = data[0] if data and isinstance(data[0], dict) else {}
    if not isinstance(data, dict):
        return Ignored("delivery without data")
    if name in MESSAGE_EVENTS:
        return _message(data, sent_by_api=name == "send.message")
    if name == "messages.update":
        return _update(data)
    if name == "messages.delete":
        key = data.get("key") if isinstance(data.get("key"), dict) else data
        target = kinds.key_id(key) or jids.text(data.get("keyId"))
        return Delete(target) if target else Ignored("delete without a message id")
    if name == "connection.update":
        state = jids.text(data.get("state")).lower()
        return Connection(CONNECTION.get(state, state)) if state else Ignored("connection event without a state")
    return Ignored(f"event {name or '?'} not handled")


def _unwrap(message: dict[str, Any]) -> dict[str, Any]:
    for wrapper in WRAPPERS:
        inner = message.get(wrapper)
        if isinstance(inner, dict) and isinstance(inner.get("message"), dict):
            return _unwrap(inner["message"])
    return message


def _chat(data: dict[str, Any], key: dict[str, Any], from_me: bool) -> Chat:
    jid = jids.text(key.get("remoteJid"))
    if jids.is_group(jid):
        return Chat(jid=jid, phone=None, is_group=True, name=jids.name(data.get("groupName"), data.get("subject")))
    alternates = [key.get("remoteJidAlt"), key.get("senderPn"), data.get("remoteJidAlt")]
    phone = jids.first_phone(jid, *alternates)
    lid = next(filter(None, map(jids.lid_of, (jid, key.get("remoteJidAlt"), key.get("senderLid")))), None)
    name = None if from_me else jids.name(data.get("pushName"))
    avatar = jids.text(data.get("profilePicUrl"))
    return Chat(jid=jid, phone=phone, lid=lid, name=name, avatar=avatar if avatar.startswith("http") else None)


def _kind_key(data: dict[str, Any], message: dict[str, Any]) -> str:
    declared = jids.text(data.get("messageType"))
    if declared in message:
        return declared
    return next((k for k, v in message.items() if k not in NOT_KINDS and isinstance(v, dict | str)), declared)


def _message(data: dict[str, Any], sent_by_api: bool) -> InboundEvent:
    key = jids.mapping(data.get("key"))
    external_id = kinds.key_id(key)
    if not external_id:
        return Ignored("message without an id")
    from_me = jids.truthy(key.get("fromMe")) or sent_by_api
    chat = _chat(data, key, from_me)
    if not chat.is_group and chat.phone is None and chat.lid is None:
        return Ignored("chat without a phone number or a LID")
    raw = jids.mapping(data.get("message"))
    message = _unwrap(raw)
    kind_key = _kind_key(data, message)
    body = jids.mapping(message.get(kind_key))
    stamp = jids.seconds(data.get("messageTimestamp"))

    if kind_key == "reactionMessage":
        reactor = "me" if from_me else (jids.first_phone(key.get("participant")) or chat.phone or chat.jid)
        emoji = jids.text(body.get("text"))
        return Reaction(
            kinds.key_id(body.get("key")),
            emoji,
            chat,
            reactor,
            None if from_me else jids.name(data.get("pushName")),
            stamp,
        )
    if kind_key in ("protocolMessage", "editedMessage"):
        return _protocol(body, chat, stamp)

    kind = kinds.kind_of(kind_key)
    if kind is None:
        return Ignored(f"message type {kind_key or '?'} not handled")
    if kind_key == "documentWithCaptionMessage":
        inner = jids.mapping(body.get("message"))
        body = jids.mapping(inner.get("documentMessage"))
    text, media = "", None
    attributes: dict[str, Any] = {}
    if kind is MediaType.TEXT:
        conversation = message.get("conversation")
        text = conversation if isinstance(conversation, str) else jids.text(body.get("text"))
    elif kind is MediaType.LOCATION:
        text, attributes = kinds.location(body)
    elif kind is MediaType.CONTACT:
        text, attributes = kinds.contact_cards(body)
    else:
        if kind is MediaType.AUDIO and jids.truthy(body.get("ptt")):
            kind = MediaType.VOICE
        text = jids.text(body.get("caption"))
        media = kinds.media(body)
        if body.get("gifPlayback") is True:
            attributes["gif"] = True
    sender = None
    if chat.is_group and not from_me:
        participant = key.get("participant") or data.get("participant")
        alt = key.get("participantPn") or key.get("participantAlt")
        sender = Sender(
            jids.first_phone(participant, alt),
            jids.name(data.get("pushName")),
            participant if jids.is_lid(participant) else None,
        )
    return Message(
        external_id=external_id,
        chat=chat,
        media_type=kind,
        content=jids.text(text),
        from_me=from_me,
        sent_by_api=sent_by_api,
        timestamp=stamp,
        sender=sender,
        media=media,
        reply_to=_quoted(data, body),
        attributes=attributes,
    )


def _quoted(data: dict[str, Any], body: dict[str, Any]) -> str | None:
    for holder in (body, data):
        context = jids.mapping(holder.get("contextInfo"))
        stanza = jids.text(context.get("stanzaId"))
        if stanza:
            return stanza
    return None


def _protocol(body: dict[str, Any], chat: Chat, stamp: float | None) -> InboundEvent:
    nested = jids.mapping(body.get("message")).get("protocolMessage")
    protocol = nested if isinstance(nested, dict) else body
    return kinds.protocol_event(protocol, chat, stamp)


def _update(data: dict[str, Any]) -> InboundEvent:
    key = jids.mapping(data.get("key"))
    target = jids.text(data.get("keyId")) or kinds.key_id(key)
    update = jids.mapping(data.get("update"))
    status = str(data.get("status") if data.get("status") is not None else update.get("status", "")).strip()
    if status.upper() == "DELETED" and target:
        return Delete(target)
    if isinstance(update.get("message"), dict) or isinstance(data.get("message"), dict):
        raw = jids.mapping(update.get("message") or data.get("message"))
        edited = raw.get("editedMessage") or raw.get("protocolMessage")
        if isinstance(edited, dict):
            return _protocol(edited, Chat(jid=jids.text(data.get("remoteJid")), phone=None), None)
    receipt = RECEIPTS.get(status.lower())
    if receipt is None:
        return Ignored(f"message update {status or '?'} not handled")
    if not target:
        return Ignored("message update without a message id")
    return Receipt((target,), receipt)
