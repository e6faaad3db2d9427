"""Reading messages: a conversation's page (newest first, with `before`/`after` id cursors as key conditions),
one message by id, and the reader's read marker.

Reading the newest page of a conversation moves the caller's read marker to the conversation's count of
customer messages (its unread count in the conversations list becomes 0 for that reader) and takes what was
unread off the contact's `unread_messages`.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from niochat import clock
from niochat.domain.conversations import Conversation
from niochat.domain.messages import Message
from niochat.domain.users import Principal
from niochat.errors import NotFound
from niochat.messages import access
from niochat.messages.models import MessageQuery
from niochat.store import conversations, messages, pages
from niochat.store.contacts import contacts
from niochat.store.pages import Partition
from niochat.store.table import is_conditional_failure, table

logger = Logger(child=True)


def window(caller: Principal, provedor_id: int, query: MessageQuery) -> tuple[Conversation, Partition | None]:
    """The conversation (visible to the caller, else 404) and its messages between the cursors (None: the
    cursors leave no room for any message)."""
    conversation = access.readable(caller, provedor_id, query.conversation)
    if query.before is not None and query.after is not None and query.after + 1 >= query.before:
        return conversation, None
    return conversation, messages.window(provedor_id, query.conversation, query.before, query.after)


def count(partition: Partition) -> int:
    """Messages in the window: a COUNT query over the conversation's keys (one call per MB of keys — a
    conversation's messages, not the table's)."""
    return pages.count(partition)


def detail(caller: Principal, provedor_id: int, message_id: int) -> Message:
    """A message whose conversation the caller can see; any other is the same 404 as one that doesn't exist."""
    message = messages.get(provedor_id, message_id)
    if message is None:
        raise NotFound(access.MESSAGE_NOT_FOUND)
    try:
        access.readable(caller, provedor_id, int(message["conversation"]))
    except NotFound:
        raise NotFound(access.MESSAGE_NOT_FOUND) from None
    return message


def mark_read(caller: Principal, provedor_id: int, conversation: Conversation) -> int:
    """Move the caller's read marker up to the conversation's customer-message count; returns how many
    messages that marked read (0 when the marker already was there: no write)."""
    total = int(conversation.get("incoming_count") or 0)
    if total <= 0:
        return 0
    pk, sk = conversations.read_marker(provedor_id, int(conversation["id"]), caller.user_id)
    try:
        old = table().update(
            pk,
            sk,
            "SET incoming_seen = :seen, read_at = :at, #type = :type",
            {":seen": total, ":at": clock.iso(), ":type": "read_marker"},
            {"#type": "type"},
            condition="attribute_not_exists(incoming_seen) OR incoming_seen < :seen",
            return_values="UPDATED_OLD",
        )
    except Exception as error:
        if is_conditional_failure(error):
            return 0
        raise
    newly_read = total - int(old.get("incoming_seen") or 0)
    _take_off_unread(provedor_id, int(conversation["contact_id"]), newly_read)
    return newly_read


def _take_off_unread(provedor_id: int, contact_id: int, amount: int) -> None:
    """contact.unread_messages -= amount, never below 0 (another reader may have cleared it already)."""
    if amount <= 0:
        return
    pk, sk = contacts.key(provedor_id, contact_id)
    try:
        table().update(pk, sk, "ADD unread_messages :minus", {":minus": -amount, ":amount": amount},
                       condition="unread_messages >= :amount", return_values="NONE")  # fmt: skip
        return
    except Exception as error:
        if not is_conditional_failure(error):
            raise
    try:
        table().update(
            pk,
            sk,
            "SET unread_messages = :zero",
            {":zero": 0, ":amount": amount},
            condition="attribute_exists(PK) AND (attribute_not_exists(unread_messages) OR unread_messages < :amount)",
            return_values="NONE",
        )
    except Exception as error:
        if not is_conditional_failure(error):
            raise
        logger.info("contact unread count moved meanwhile", extra={"contact_id": contact_id})
