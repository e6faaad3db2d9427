"""Messages as the API shows them: the seed's fields plus status, file name and type, the file's state
(`media_status`, `media_error`), sender, update time and the last provider error. `file_url` is the API's
media URL (absolute), never an S3 key. Also the shorter forms a message takes elsewhere: a conversation's
`last_message`, and the message of a realtime event."""

from __future__ import annotations

from typing import Any, Literal

from niochat.domain.media import served_name, served_path
from niochat.domain.messages import LastMessage, MediaType, Message
from niochat.domain.users import AssistantRef, UserRef
from niochat.views import fields_of

PREVIEW_CHARS = 200
# A conversation's last message when it is a file without a caption.
MEDIA_LABELS: dict[str, str] = {
    MediaType.IMAGE: "📷 Imagem",
    MediaType.AUDIO: "🎵 Áudio",
    MediaType.VOICE: "🎤 Mensagem de voz",
    MediaType.VIDEO: "🎬 Vídeo",
    MediaType.DOCUMENT: "📄 Documento",
    MediaType.STICKER: "Figurinha",
}


class MessageView(LastMessage):
    """A message: what a conversation's `last_message` shows, and more."""

    file_name: str | None
    mime_type: str | None
    sender: UserRef | AssistantRef | None
    updated_at: str | None
    error: dict[str, Any] | None
    media_status: str | None
    media_error: str | None


class EventMessage(LastMessage):
    """A message as the `chat_message` realtime event carries it."""

    sender: UserRef | AssistantRef | Literal["customer"] | None


def file_url(message: Message, api_root: str) -> str | None:
    """`<api root>/api/media/messages/<conversation>/<file>/` once the file is in S3, else null."""
    name = served_name(message)
    if message.get("media_key") and name:
        return api_root + served_path(message["conversation"], name)
    stored = message.get("file_url")
    if isinstance(stored, str) and stored.startswith("/api/media/"):
        return api_root + stored
    return None


def message(item: Message, api_root: str) -> MessageView:
    return fields_of(
        MessageView,
        item,
        file_url=file_url(item, api_root),
        is_from_customer=bool(item.get("is_from_customer")),
        additional_attributes=item.get("additional_attributes") or {},
        # The name the customer (or the agent's upload) gave the file; only its S3 key uses the sanitised one.
        file_name=item.get("original_file_name") or item.get("file_name"),
    )


def summary(item: Message) -> LastMessage:
    """The message's fields a conversation and a realtime event show, as stored."""
    return fields_of(LastMessage, item)


def last_message(item: Message) -> LastMessage:
    """The conversation's `last_message`: the summary, its content capped (a file's label when empty)."""
    shown = summary(item)
    shown["content"] = (item.get("content") or MEDIA_LABELS.get(item["media_type"], ""))[:PREVIEW_CHARS]
    return shown


def in_event(item: Message) -> EventMessage:
    """The message of a `chat_message` event, with its sender ("customer" for a customer's message)."""
    sender: UserRef | AssistantRef | Literal["customer"] | None = item.get("sender") or None
    if sender is None and item.get("is_from_customer"):
        sender = "customer"
    return {**summary(item), "sender": sender}
