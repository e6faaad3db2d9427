"""Storing a new message from a delivery: ONE TransactWriteItems with the message, the provider-id claim that
makes the delivery idempotent, the conversation's last message and recency, the contact's unread count, and a
check that the conversation is still the contact's active one. A delivery stored before is a duplicate, and
nothing is written for it."""

from __future__ import annotations

from typing import Any, NamedTuple

from aws_lambda_powertools import Logger

from niochat import clock
from niochat.domain import cycles, media
from niochat.domain.inboxes import Inbox
from niochat.domain.messages import Message, new_inbound, new_message_id
from niochat.messages.views import last_message
from niochat.store import contacts, conversations, messages
from niochat.store.table import table
from niochat.store.writes import ConditionFailed, Operation, TransactionConflict
from niochat.webhooks import events, threads
from niochat.webhooks.events import FILE_KINDS

logger = Logger(child=True)


class Relocate(Exception):
    """The conversation stopped being the contact's active one between the read and the write."""


class Stored(NamedTuple):
    message: Message
    duplicate: bool


def build(provedor_id: int, inbox: Inbox, thread: threads.Thread, event: events.Message, provider: str) -> Message:
    now = clock.now()
    outgoing = event.from_me
    attributes: dict[str, Any] = {**event.attributes, "provider": provider}
    if event.sender is not None:
        attributes["sender"] = {"phone": event.sender.phone, "name": event.sender.name, "lid": event.sender.lid}
    if event.reply_to:
        attributes["reply_to"] = {"external_id": event.reply_to}
    if outgoing:
        attributes["sent_from"] = "api" if event.sent_by_api else "phone"
    file = None
    if event.media_type in FILE_KINDS:
        about = event.media or events.Media()
        file = media.new_file(about.file_name, about.mime_type, about.size, event.media_type)
    return new_inbound(
        new_message_id(now),
        provedor_id,
        conversation_id=thread.conversation_id,
        inbox_id=int(inbox["id"]),
        contact_id=thread.contact_id,
        from_me=outgoing,
        media_type=event.media_type,
        content=event.content,
        external_id=event.external_id,
        additional_attributes=attributes,
        at=clock.iso(now),
        provider_timestamp=clock.iso(event.timestamp) if event.timestamp else None,
        file=file,
    )


def store(
    provedor_id: int, inbox: Inbox, thread: threads.Thread, message: Message, avatar: str | None = None
) -> Stored:
    """Write `message` atomically with its side effects; Relocate when the conversation closed meanwhile."""
    external_id = message.get("external_id")
    if not external_id:
        raise ValueError("a delivered message carries the provider's id")
    for _ in range(5):
        try:
            table().transact(_operations(provedor_id, inbox, thread, message, external_id, avatar))
            return Stored(message, duplicate=False)
        except ConditionFailed as failed:
            if failed.on("external_id"):
                return Stored(message, duplicate=True)
            if failed.on("conversation") or failed.on("active"):
                raise Relocate() from None
            if not failed.on("message"):
                raise
            message["id"] = new_message_id(clock.now())  # two messages drew the same id in one millisecond
            logger.info("retrying an inbound message write", extra={"failed": sorted(failed.failed)})
        except TransactionConflict:
            logger.info("retrying an inbound message write", extra={"failed": ["conflict"]})
    raise RuntimeError("inbound message write kept conflicting")


def _operations(
    provedor_id: int, inbox: Inbox, thread: threads.Thread, message: Message, external_id: str, avatar: str | None
) -> list[Operation]:
    """The message, its provider-id claim, the conversation's last message and recency, the check that the
    conversation is still the contact's active one, and (a customer's message) the contact's unread count."""
    inbox_id = int(inbox["id"])
    incoming = message["is_from_customer"]
    operations: list[Operation] = [
        messages.put_op(provedor_id, message),
        messages.external_put_op(provedor_id, inbox_id, external_id, message),
        conversations.message_added_op(
            provedor_id,
            thread.conversation_id,
            last_message(message),
            message["created_at"],
            incoming,
            cycles.of_message(message, closed=False),  # the active check below holds it open
        ),
        contacts.still_active_check(provedor_id, thread.index_phone, inbox_id, thread.conversation_id),
    ]
    if incoming:
        operations.append(contacts.contact_received_op(provedor_id, thread.contact_id, message["created_at"], avatar))
    return operations
