"""Conversations as the API shows them, with what a page needs batch-read in one call: contacts, their
inboxes and the caller's read markers (assignee, team and last message are denormalized on the item)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict, cast

from niochat.contacts import views as contact_views
from niochat.contacts.views import ConversationContact
from niochat.domain.contacts import Contact
from niochat.domain.conversations import Conversation, TeamRef
from niochat.domain.inboxes import Inbox
from niochat.domain.messages import LastMessage
from niochat.domain.users import UserRef
from niochat.inboxes import views as inbox_views
from niochat.inboxes.views import InboxSummary
from niochat.store import conversations as store
from niochat.store.contacts import contacts
from niochat.store.inboxes import inboxes
from niochat.store.table import table


class ConversationView(TypedDict):
    id: int
    contact: ConversationContact | None
    inbox: InboxSummary | None
    assignee: UserRef | None
    team: TeamRef | None
    status: str
    additional_attributes: dict[str, Any]
    last_message: LastMessage | None
    last_message_at: str | None
    # The reader's own: absent from the `conversation_updated` realtime event, rendered once for everyone.
    unread_count: NotRequired[int]
    closed_at: str | None
    resolution_notes: str | None
    provedor: int
    created_at: str
    updated_at: str


def render(provedor_id: int, user_id: int, items: list[Conversation]) -> list[ConversationView]:
    """The API shape of each conversation, with one BatchGetItem for the whole page."""
    wanted: list[tuple[str, str]] = []
    for item in items:
        wanted.append(contacts.key(provedor_id, int(item["contact_id"])))
        wanted.append(inboxes.key(provedor_id, int(item["inbox_id"])))
        wanted.append(store.read_marker(provedor_id, int(item["id"]), user_id))
    found = {(i["PK"], i["SK"]): i for i in table().batch_get(wanted)}
    contact_inbox_keys = [
        inboxes.key(provedor_id, int(c["inbox"]))
        for c in found.values()
        if c.get("type") == "contact" and c.get("inbox") and inboxes.key(provedor_id, int(c["inbox"])) not in found
    ]
    if contact_inbox_keys:  # a contact first seen in another inbox than this conversation's
        found.update({(i["PK"], i["SK"]): i for i in table().batch_get(contact_inbox_keys)})
    return [_render_one(provedor_id, user_id, item, found) for item in items]


def _inbox(found: Mapping[tuple[str, str], dict[str, Any]], provedor_id: int, inbox_id: int) -> InboxSummary | None:
    return inbox_views.summary(cast("Inbox | None", found.get(inboxes.key(provedor_id, inbox_id))))


def _render_one(
    provedor_id: int, user_id: int, item: Conversation, found: Mapping[tuple[str, str], dict[str, Any]]
) -> ConversationView:
    contact = cast("Contact | None", found.get(contacts.key(provedor_id, int(item["contact_id"]))))
    marker = found.get(store.read_marker(provedor_id, int(item["id"]), user_id))
    contact_view = None
    if contact is not None:
        first_inbox = contact.get("inbox")
        shown_inbox = _inbox(found, provedor_id, int(first_inbox)) if first_inbox else None
        contact_view = contact_views.in_conversation(contact, shown_inbox)
    seen = int(marker["incoming_seen"]) if marker else 0
    return {
        "id": item["id"],
        "contact": contact_view,
        "inbox": _inbox(found, provedor_id, int(item["inbox_id"])),
        "assignee": item.get("assignee"),
        "team": item.get("team"),
        "status": item["status"],
        "additional_attributes": item.get("additional_attributes") or {},
        "last_message": item.get("last_message"),
        "last_message_at": item.get("last_message_at"),
        "unread_count": max(0, int(item.get("incoming_count") or 0) - seen),
        "closed_at": item.get("closed_at"),
        "resolution_notes": item.get("resolution_notes"),
        "provedor": provedor_id,
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
    }
