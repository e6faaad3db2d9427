"""Messages: their kinds, the time-ordered integer ids they are numbered with, the stored item and its
constructors — one per way a message comes to be (an agent sends it, the provider delivers it, an action
on the conversation records it), all on one base."""

from __future__ import annotations

import secrets
from enum import StrEnum
from typing import Any, NotRequired, TypedDict

from niochat.domain.media import MessageFile
from niochat.domain.users import AssistantRef, UserRef

# Message ids: milliseconds since 2025-01-01 shifted left 12 bits, plus 12 random bits. Integers (as in the
# seed) below 2**53 (safe in JavaScript) for centuries, ordered by creation time, and allocated without a
# database round trip; the write that stores a message is conditional on its key, so a clash is retried.
ID_EPOCH_MS = 1_735_689_600_000


def new_message_id(now_seconds: float) -> int:
    return ((int(now_seconds * 1000) - ID_EPOCH_MS) << 12) | secrets.randbelow(4096)


class MessageType(StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"
    ACTIVITY = "activity"


class MediaType(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    VOICE = "voice"  # a push-to-talk voice note
    VIDEO = "video"
    DOCUMENT = "document"
    STICKER = "sticker"
    LOCATION = "location"
    CONTACT = "contact"
    ACTIVITY = "activity"


class DeliveryStatus(StrEnum):
    RECEIVED = "received"  # incoming, stored
    SENDING = "sending"  # outgoing, stored before calling the provider
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


class Message(TypedDict):
    """A message as stored (the store adds keys). Nullable fields are NotRequired: the store drops
    attributes whose value is None, so an item read back lacks them. Activity messages carry no inbox,
    contact or update time."""

    id: int
    provedor_id: int
    conversation: int
    message_type: str  # MessageType
    media_type: str  # MediaType
    content: str
    is_from_customer: bool
    file_url: NotRequired[str | None]  # the API path of an inbound file once downloaded
    external_id: NotRequired[str | None]  # the provider's id
    status: str  # DeliveryStatus
    # The agent who sent it or acted, the AI assistant (AssistantRef), or None for the customer or the platform.
    sender: NotRequired[UserRef | AssistantRef | None]
    additional_attributes: dict[str, Any]  # reply_to, reactions, edits, deletion, provider details…
    created_at: str
    inbox_id: NotRequired[int]
    contact_id: NotRequired[int]
    updated_at: NotRequired[str]
    error: NotRequired[dict[str, Any] | None]  # the provider's last refusal of an outgoing message
    provider_timestamp: NotRequired[str]
    sent_at: NotRequired[str]
    delivered_at: NotRequired[str]
    read_at: NotRequired[str]
    failed_at: NotRequired[str]
    # A file (niochat.domain.media.MessageFile), and what fetching an inbound one took.
    file_name: NotRequired[str]
    original_file_name: NotRequired[str | None]
    mime_type: NotRequired[str | None]
    file_size: NotRequired[int | None]
    media_status: NotRequired[str]
    media_key: NotRequired[str]
    media_source: NotRequired[dict[str, Any]]
    media_attempts: NotRequired[int]
    media_attempted_at: NotRequired[str]
    media_error: NotRequired[str | None]


class LastMessage(TypedDict):
    """A message as a conversation shows it (`last_message`) and as realtime events carry it."""

    id: int
    conversation: int
    message_type: str
    media_type: str
    file_url: str | None
    content: str
    is_from_customer: bool
    created_at: str
    external_id: str | None
    additional_attributes: dict[str, Any]
    status: str


def _base(
    message_id: int,
    provedor_id: int,
    conversation_id: int,
    *,
    message_type: MessageType,
    media_type: str,
    content: str,
    status: DeliveryStatus,
    sender: UserRef | AssistantRef | None,
    external_id: str | None,
    additional_attributes: dict[str, Any],
    at: str,
) -> Message:
    return {
        "id": message_id,
        "provedor_id": provedor_id,
        "conversation": conversation_id,
        "message_type": str(message_type),
        "media_type": str(media_type),
        "content": content,
        "is_from_customer": message_type is MessageType.INCOMING,
        "file_url": None,
        "external_id": external_id,
        "status": str(status),
        "sender": sender,
        "additional_attributes": additional_attributes,
        "created_at": at,
    }


def new_outgoing(
    message_id: int,
    provedor_id: int,
    *,
    conversation_id: int,
    inbox_id: int,
    contact_id: int,
    media_type: str,
    content: str,
    sender: UserRef | AssistantRef | None,
    at: str,
    additional_attributes: dict[str, Any] | None = None,
    file: MessageFile | None = None,
) -> Message:
    """An agent's message (or, without a sender, the platform's), stored `sending` before the provider is
    called."""
    message = _base(
        message_id,
        provedor_id,
        conversation_id,
        message_type=MessageType.OUTGOING,
        media_type=media_type,
        content=content,
        status=DeliveryStatus.SENDING,
        sender=sender,
        external_id=None,
        additional_attributes=additional_attributes or {},
        at=at,
    )
    message.update({"inbox_id": inbox_id, "contact_id": contact_id, "error": None, "updated_at": at})
    if file is not None:
        message.update(file)
    return message


def new_inbound(
    message_id: int,
    provedor_id: int,
    *,
    conversation_id: int,
    inbox_id: int,
    contact_id: int,
    from_me: bool,
    media_type: str,
    content: str,
    external_id: str,
    additional_attributes: dict[str, Any],
    at: str,
    provider_timestamp: str | None = None,
    file: MessageFile | None = None,
) -> Message:
    """A message the provider delivered: the customer's (`received`), or one from our own number (`from_me`:
    typed on the phone, or sent by another integration) which the provider already sent."""
    message = _base(
        message_id,
        provedor_id,
        conversation_id,
        message_type=MessageType.OUTGOING if from_me else MessageType.INCOMING,
        media_type=media_type,
        content=content,
        status=DeliveryStatus.SENT if from_me else DeliveryStatus.RECEIVED,
        sender=None,
        external_id=external_id,
        additional_attributes=additional_attributes,
        at=at,
    )
    message.update({"inbox_id": inbox_id, "contact_id": contact_id, "updated_at": at})
    if file is not None:
        message.update(file)
    if provider_timestamp:
        message["provider_timestamp"] = provider_timestamp
    return message


def new_activity(
    message_id: int,
    provedor_id: int,
    *,
    conversation_id: int,
    content: str,
    actor: UserRef | None,
    at: str,
    action: str,
    outcome: dict[str, Any] | None = None,
) -> Message:
    """What an action did to the conversation ("Conversa atribuída para Ana por Bruno"), in its timeline;
    `additional_attributes.action` names the action (niochat.domain.conversations.Action), and `outcome`
    (`from_status`, `to_status`, `assignee`) what it left, for reports (niochat.domain.reports.replay)."""
    return _base(
        message_id,
        provedor_id,
        conversation_id,
        message_type=MessageType.ACTIVITY,
        media_type=MediaType.ACTIVITY,
        content=content,
        status=DeliveryStatus.SENT,
        sender=actor,
        external_id=None,
        additional_attributes={"action": action, **(outcome or {})},
        at=at,
    )
