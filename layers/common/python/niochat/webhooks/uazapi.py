"""Uazapi deliveries → events. `EventType` says what happened: "messages" (a message, a reaction, an edit or a
revoke, ours or the customer's), "messages_update" (delivery and read receipts), "connection".

Shapes are those of real deliveries (tests/fixtures and ../shared/fixtures/uazapi): the message sits at the top
level beside `chat`; `content` is WhatsApp's own message object (whatsmeow's JSON: "URL", "PTT", key "ID") or a
plain string; timestamps are milliseconds in `messages` and seconds in `messages_update`.
"""

from __future__ import annotations

from typing import Any

from niochat.domain.messages import DeliveryStatus, MediaType
from niochat.webhooks import jids, kinds
from niochat.webhooks.events import (
    Chat,
    Connection,
    Edit,
    Ignored,
    InboundEvent,
    Message,
    Reaction,
    Receipt,
    Sender,
)

RECEIPTS = {
    "delivered": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.READ,
    "readself": DeliveryStatus.READ,
    "played": DeliveryStatus.READ,
    "playedself": DeliveryStatus.READ,
    "sent": DeliveryStatus.SENT,
    "serverack": DeliveryStatus.SENT,
}


def is_uazapi(payload: dict[str, Any]) -> bool:
    return isinstance(payload.get("EventType"), str)


def proof(payload: dict[str, Any]) -> str | None:
    return jids.string(payload.get("token")) or None


def instance(payload: dict[str, Any]) -> str | None:
    return jids.string(payload.get("instanceName"))


def parse(payload: dict[str, Any]) -> InboundEvent:
    event_type = str(payload.get("EventType") or "").strip().lower()
    if event_type == "messages":
        message = payload.get("message")
        if not isinstance(message, dict):
            return Ignored("messages event without a message")
        return _message(message, jids.mapping(payload.get("chat")))
    if event_type == "messages_update":
        return _receipt(payload)
    if event_type == "connection":
        return _connection(payload)
    return Ignored(f"event {event_type or '?'} not handled")


def _chat(message: dict[str, Any], chat: dict[str, Any], from_me: bool) -> Chat:
    jid = jids.text(message.get("chatid")) or jids.text(chat.get("wa_chatid"))
    group = jids.truthy(message.get("isGroup")) or jids.is_group(jid) or jids.truthy(chat.get("wa_isGroup"))
    if group:
        subject = jids.name(chat.get("name"), chat.get("wa_name"), _group_name(message))
        return Chat(jid=jid, phone=None, is_group=True, name=subject, avatar=_avatar(chat))
    # The customer's number: from the chat id, else the chat's own fields, else (their message) the sender's.
    candidates = [jid, chat.get("wa_chatid"), chat.get("phone")]
    if not from_me:
        candidates.append(message.get("sender_pn"))
    lids = [jid, message.get("chatlid"), chat.get("wa_chatlid")] + ([] if from_me else [message.get("sender_lid")])
    lid = next((found for found in map(jids.lid_of, lids) if found), None)
    names = [chat.get("wa_name"), chat.get("name")]
    if not from_me:
        names.insert(0, message.get("senderName"))
    return Chat(jid=jid, phone=jids.first_phone(*candidates), lid=lid, name=jids.name(*names), avatar=_avatar(chat))


def _group_name(message: dict[str, Any]) -> str | None:
    name = jids.text(message.get("groupName"))
    return None if name.lower() in ("", "unknown") else name


def _avatar(chat: dict[str, Any]) -> str | None:
    url = jids.text(chat.get("imagePreview")) or jids.text(chat.get("image"))
    return url if url.startswith(("http://", "https://")) else None


def _message(message: dict[str, Any], chat_data: dict[str, Any]) -> InboundEvent:
    external_id = jids.text(message.get("messageid")) or jids.text(message.get("id")).rpartition(":")[2]
    if not external_id:
        return Ignored("message without an id")
    from_me = jids.truthy(message.get("fromMe"))
    chat = _chat(message, chat_data, from_me)
    if not chat.is_group and chat.phone is None and chat.lid is None:
        return Ignored("chat without a phone number or a LID")
    content = message.get("content")
    body = content if isinstance(content, dict) else {}
    message_type = jids.text(message.get("messageType"))
    stamp = jids.seconds(message.get("messageTimestamp"))
    sender_name = jids.name(message.get("senderName"))

    if message_type.lower() == "reactionmessage" or jids.text(message.get("type")).lower() == "reaction":
        target = jids.text(message.get("reaction")) or kinds.key_id(body.get("key"))
        emoji = jids.text(body.get("text")) if body else jids.text(message.get("text"))
        reactor = "me" if from_me else (jids.first_phone(message.get("sender_pn")) or chat.phone or chat.jid)
        return Reaction(target, emoji, chat, reactor, None if from_me else sender_name, stamp)
    if message_type.lower() == "protocolmessage" or message_type.lower() == "editedmessage":
        return _protocol(body, chat, stamp)
    edited = jids.text(message.get("edited"))
    if edited and edited != external_id and not edited.startswith("{"):
        return Edit(edited, jids.text(message.get("text")) or kinds.text_of(body), chat, stamp)

    kind = _kind(message, body)
    if kind is None:
        return Ignored(f"message type {message_type or '?'} not handled")
    text = jids.text(message.get("text")) or (content.strip() if isinstance(content, str) else "")
    attributes: dict[str, Any] = {}
    media = None
    if kind is MediaType.LOCATION:
        text, attributes = kinds.location(body, url_key="URL")
    elif kind is MediaType.CONTACT:
        text, attributes = kinds.contact_cards(body)
    elif kind in (MediaType.TEXT,):
        text = text or jids.text(body.get("text"))
    else:
        text = text or jids.text(body.get("caption"))
        media = kinds.media(body)
        if jids.text(message.get("mediaType")).lower() == "gif" or body.get("gifPlayback") is True:
            attributes["gif"] = True
    sender = None
    if chat.is_group and not from_me:
        sender = Sender(
            jids.first_phone(message.get("sender_pn")), sender_name, jids.text(message.get("sender_lid")) or None
        )
    whole_id = jids.text(message.get("id"))
    return Message(
        external_id=external_id,
        chat=chat,
        media_type=kind,
        content=text,
        from_me=from_me,
        sent_by_api=jids.truthy(message.get("wasSentByApi")),
        timestamp=stamp,
        sender=sender,
        media=media,
        reply_to=_quoted(message, body),
        aliases=(whole_id,) if whole_id and whole_id != external_id else (),
        attributes=attributes,
    )


def _kind(message: dict[str, Any], body: dict[str, Any]) -> MediaType | None:
    kind = kinds.kind_of(message.get("messageType"))
    if kind is None:
        kind = kinds.kind_of(message.get("mediaType")) or kinds.kind_of(message.get("type"))
    if kind is MediaType.AUDIO:
        ptt = jids.text(message.get("mediaType")).lower() == "ptt" or jids.truthy(body.get("PTT") or body.get("ptt"))
        return MediaType.VOICE if ptt else MediaType.AUDIO
    return kind


def _quoted(message: dict[str, Any], body: dict[str, Any]) -> str | None:
    quoted = message.get("quoted")
    if isinstance(quoted, str) and quoted.strip():
        return quoted.strip().rpartition(":")[2]
    context = jids.mapping(body.get("contextInfo"))
    stanza = jids.text(context.get("stanzaID") or context.get("stanzaId"))
    return stanza or None


def _protocol(body: dict[str, Any], chat: Chat, stamp: float | None) -> InboundEvent:
    inner = body.get("message") if isinstance(body.get("message"), dict) else None
    protocol = (inner or {}).get("protocolMessage") if inner else body
    protocol = protocol if isinstance(protocol, dict) else body
    return kinds.protocol_event(protocol, chat, stamp)


def _receipt(payload: dict[str, Any]) -> InboundEvent:
    event = jids.mapping(payload.get("event"))
    state = jids.text(payload.get("state")) or jids.text(event.get("Type")) or jids.text(payload.get("status"))
    status = RECEIPTS.get(state.lower().replace("_", "").replace("-", ""))
    if status is None:
        return Ignored(f"message update {state or '?'} not handled")
    ids = event.get("MessageIDs") or event.get("MessageIds") or []
    if not ids and payload.get("messageid"):
        ids = [payload["messageid"]]
    targets = tuple(dict.fromkeys(str(i).rpartition(":")[2] for i in ids if isinstance(i, str) and i))
    if not targets:
        return Ignored("message update without message ids")
    return Receipt(targets, status)


def _connection(payload: dict[str, Any]) -> InboundEvent:
    instance_data = jids.mapping(payload.get("instance"))
    status = (
        jids.text(instance_data.get("status")) or jids.text(payload.get("status")) or jids.text(payload.get("state"))
    )
    if not status:
        return Ignored("connection event without a status")
    return Connection(status.lower())
