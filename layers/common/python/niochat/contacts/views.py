"""Contacts as the API shows them."""

from __future__ import annotations

from typing import Any, TypedDict

from niochat.domain.contacts import Contact
from niochat.inboxes.views import InboxSummary
from niochat.views import fields_of


class _ContactFields(TypedDict):
    id: int
    name: str
    email: str | None
    phone: str
    avatar: str | None
    provedor: int
    additional_attributes: dict[str, Any]
    created_at: str
    updated_at: str
    is_online: bool
    last_seen: str | None
    conversation_count: int
    unread_messages: int


class ContactView(_ContactFields):
    inbox: int | None  # the inbox it was first seen in


class ConversationContact(_ContactFields):
    """A conversation's contact: its inbox shown, not only named."""

    inbox: InboxSummary | None


def _fields(contact: Contact) -> _ContactFields:
    return fields_of(
        _ContactFields,
        contact,
        provedor=contact["provedor_id"],
        additional_attributes=contact.get("additional_attributes") or {},
        is_online=bool(contact.get("is_online")),
        conversation_count=int(contact.get("conversation_count") or 0),
        unread_messages=int(contact.get("unread_messages") or 0),
    )


def contact(item: Contact) -> ContactView:
    return {**_fields(item), "inbox": item.get("inbox")}


def in_conversation(item: Contact, inbox: InboxSummary | None) -> ConversationContact:
    return {**_fields(item), "inbox": inbox}
