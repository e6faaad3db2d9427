"""What a provider's webhook delivery means, whatever provider sent it: one typed event per delivery.

The events (`InboundEvent`): a new `Message`, a `Reaction`, an `Edit` or a `Delete` (revoke) of a stored message,
a delivery/read `Receipt`, a `Connection` state, or `Ignored` with the reason (presence, polls, anything not
handled); and the parts they share: the `Chat` (a person or a group), a group message's `Sender`, what a
delivery says of a file (`Media`), and `FILE_KINDS`, the media types whose file is downloaded.

The parsers (niochat.webhooks.uazapi, niochat.webhooks.evolution, and niochat.webhooks.parse for the seed's
simplified format) turn raw payloads into these; niochat.webhooks.service dispatches them by type. Past the
parsers only the file download reads the raw delivery again (niochat.webhooks.media: the provider's client
fetches the file from it).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from niochat.domain.messages import DeliveryStatus, MediaType

# Media kinds whose file is downloaded from the provider.
FILE_KINDS = frozenset(
    {MediaType.IMAGE, MediaType.AUDIO, MediaType.VOICE, MediaType.VIDEO, MediaType.DOCUMENT, MediaType.STICKER}
)


class Chat(NamedTuple):
    """The chat a message belongs to: a person (phone) or a group (its WhatsApp id)."""

    jid: str  # e.g. "5511999990001@s.whatsapp.net" or "120363...@g.us"
    phone: str | None  # E.164 for a person; None when no number could be read
    is_group: bool = False
    lid: str | None = None
    name: str | None = None  # the person's WhatsApp name, or the group's subject
    avatar: str | None = None


class Sender(NamedTuple):
    """Who wrote a message inside a group (the chat is the group)."""

    phone: str | None
    name: str | None = None
    lid: str | None = None


class Media(NamedTuple):
    mime_type: str | None = None
    file_name: str | None = None
    size: int | None = None
    seconds: int | None = None


class Message(NamedTuple):
    """A new message in a chat: from the customer, or `from_me` (ours: typed on the phone or the echo of one
    we sent through the API)."""

    external_id: str
    chat: Chat
    media_type: MediaType
    content: str
    from_me: bool = False
    sent_by_api: bool = False
    timestamp: float | None = None  # seconds since the epoch, as the provider dated it
    sender: Sender | None = None
    media: Media | None = None
    reply_to: str | None = None  # the provider id of the quoted message
    # Other provider ids the same message may be known by (Uazapi's "owner:messageid").
    aliases: tuple[str, ...] = ()
    attributes: Mapping[str, Any] = MappingProxyType({})  # location, contact card...


class Reaction(NamedTuple):
    target_id: str  # the provider id of the message reacted to
    emoji: str  # "" removes the reactor's reaction
    chat: Chat
    reactor: str  # who reacted: a phone, or "me"
    reactor_name: str | None = None
    timestamp: float | None = None


class Edit(NamedTuple):
    target_id: str
    content: str
    chat: Chat | None = None
    timestamp: float | None = None


class Delete(NamedTuple):
    target_id: str
    chat: Chat | None = None
    timestamp: float | None = None


class Receipt(NamedTuple):
    """Our messages reached the customer's phone (delivered) or were read."""

    target_ids: tuple[str, ...]
    status: DeliveryStatus


class Connection(NamedTuple):
    status: str  # "connected" | "disconnected" | "connecting" | the provider's own word


class Ignored(NamedTuple):
    reason: str


InboundEvent = Message | Reaction | Edit | Delete | Receipt | Connection | Ignored
