"""Messages: their kinds, and the time-ordered integer ids they are numbered with."""

from __future__ import annotations

import secrets
from enum import StrEnum

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
