"""Storing a new message from a delivery: ONE TransactWriteItems with the message, the provider-id claim that
makes the delivery idempotent, the conversation's last message and recency, the contact's unread count, and a
check that the conversation is still the contact's active one. A delivery stored before is a duplicate, and
nothing is written for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger

from niochat import clock
from niochat.conversations.views import message_preview
from niochat.domain.messages import DeliveryStatus, MediaType, MessageType, new_message_id
from niochat.store import conversations, inbound, messages
from niochat.store.table import Item, table
from niochat.webhooks import threads
from niochat.webhooks.events import FILE_KINDS, Message
from niochat.webhooks.media import safe_file_name

logger = Logger(child=True)
PREVIEW_CHARS = 200
MEDIA_LABELS = {
    MediaType.IMAGE: "📷 Imagem",
    MediaType.AUDIO: "🎵 Áudio",
    MediaType.VOICE: "🎤 Mensagem de voz",
    MediaType.VIDEO: "🎬 Vídeo",
    MediaType.DOCUMENT: "📄 Documento",
    MediaType.STICKER: "Figurinha",
}


class Relocate(Exception):
    """The conversation stopped being the contact's active one between the read and the write."""


@dataclass(frozen=True)
class Stored:
    message: Item
    duplicate: bool


def build(inbox: Item, thread: threads.Thread, event: Message, provider: str) -> Item:
    now = clock.now()
    outgoing = event.from_me
    attributes: dict[str, Any] = {**event.attributes, "provider": provider}
    if event.sender is not None:
        attributes["sender"] = {"phone": event.sender.phone, "name": event.sender.name, "lid": event.sender.lid}
    if event.reply_to:
        attributes["reply_to"] = {"external_id": event.reply_to}
    if outgoing:
        attributes["sent_from"] = "api" if event.sent_by_api else "phone"
    message: Item = {
        "id": new_message_id(now),
        "conversation": thread.conversation_id,
        "inbox_id": int(inbox["id"]),
        "contact_id": thread.contact_id,
        "message_type": str(MessageType.OUTGOING if outgoing else MessageType.INCOMING),
        "media_type": str(event.media_type),
        "content": event.content,
        "is_from_customer": not outgoing,
        "file_url": None,
        "external_id": event.external_id,
        "status": str(DeliveryStatus.SENT if outgoing else DeliveryStatus.RECEIVED),
        "sender": None,
        "additional_attributes": attributes,
        "created_at": clock.iso(now),
        "updated_at": clock.iso(now),
    }
    if event.timestamp:
        message["provider_timestamp"] = clock.iso(event.timestamp)
    if event.media_type in FILE_KINDS:
        media = event.media
        message.update(
            file_name=safe_file_name(
                media.file_name if media else None, media.mime_type if media else None, event.media_type
            ),
            original_file_name=media.file_name if media else None,
            mime_type=media.mime_type if media else None,
            file_size=media.size if media else None,
            media_status="pending",
        )
    return message


def preview(message: Item) -> dict[str, Any]:
    """The conversation's `last_message` (the same fields the outbound path writes), content capped."""
    shown = message_preview(message)
    shown["content"] = (message["content"] or MEDIA_LABELS.get(MediaType(message["media_type"]), ""))[:PREVIEW_CHARS]
    return shown


def store(provedor_id: int, inbox: Item, thread: threads.Thread, message: Item, avatar: str | None = None) -> Stored:
    """Write `message` atomically with its side effects; Relocate when the conversation closed meanwhile."""
    inbox_id = int(inbox["id"])
    incoming = message["is_from_customer"]
    for _ in range(5):
        operations = [
            messages.put_op(provedor_id, message),
            messages.external_put_op(provedor_id, inbox_id, message["external_id"], message),
            conversations.message_added_op(
                provedor_id, thread.conversation_id, preview(message), message["created_at"], incoming
            ),
            inbound.active_check_op(provedor_id, thread.index_phone, inbox_id, thread.conversation_id),
        ]
        if incoming:
            operations.append(inbound.contact_message_op(provedor_id, thread.contact_id, message["created_at"], avatar))
        try:
            table().transact(operations)
            return Stored(message, duplicate=False)
        except Exception as error:
            reasons = _reasons(error)
            if reasons is None:
                raise
            if not any(code != "None" for code in reasons):  # no reasons given: look the delivery up
                if messages.by_external_id(provedor_id, inbox_id, message["external_id"]):
                    return Stored(message, duplicate=True)
                raise
            if reasons[1] == "ConditionalCheckFailed":
                return Stored(message, duplicate=True)
            if reasons[2] == "ConditionalCheckFailed" or reasons[3] == "ConditionalCheckFailed":
                raise Relocate() from None
            if reasons[0] == "ConditionalCheckFailed":  # two messages drew the same id in one millisecond
                message["id"] = new_message_id(clock.now())
            elif "TransactionConflict" not in reasons:
                raise
            logger.info("retrying an inbound message write", extra={"reasons": reasons})
    raise RuntimeError("inbound message write kept conflicting")


def _reasons(error: Exception) -> list[str] | None:
    response = getattr(error, "response", None) or {}
    if response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return None
    reasons = [str(r.get("Code") or "None") for r in response.get("CancellationReasons") or []]
    return reasons + ["None"] * (5 - len(reasons))
