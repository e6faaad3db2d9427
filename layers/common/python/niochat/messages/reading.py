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
from niochat.store.table import table
from niochat.store.writes import ConditionFailed, Update, field

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
    marker = (
        Update("read_marker", *conversations.read_marker(provedor_id, int(conversation["id"]), caller.user_id))
        .set("incoming_seen", total)
        .set("read_at", clock.iso())
        .set("type", "read_marker")
        .when(field("incoming_seen").not_exists() | field("incoming_seen").lt(total))
    )
    try:
        old = table().write(marker, returning="old") or {}
    except ConditionFailed:
        return 0
    newly_read = total - int(old.get("incoming_seen") or 0)
    _take_off_unread(provedor_id, int(conversation["contact_id"]), newly_read)
    return newly_read


def _take_off_unread(provedor_id: int, contact_id: int, amount: int) -> None:
    """contact.unread_messages -= amount, never below 0 (another reader may have cleared it already)."""
    if amount <= 0:
        return
    key = contacts.key(provedor_id, contact_id)
    less = Update("contact", *key).add("unread_messages", -amount).when(field("unread_messages").gte(amount))
    try:
        table().write(less)
        return
    except ConditionFailed:
        pass  # fewer than `amount` left: down to 0 instead
    below = field("unread_messages").not_exists() | field("unread_messages").lt(amount)
    zero = Update("contact", *key).set("unread_messages", 0).when_exists().when(below)
    try:
        table().write(zero)
    except ConditionFailed:
        logger.info("contact unread count moved meanwhile", extra={"contact_id": contact_id})
