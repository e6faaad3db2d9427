"""Conversations as the API shows them, with what a page needs batch-read in one call: contacts, their
inboxes and the caller's read markers (assignee, team and last message are denormalized on the item)."""

from __future__ import annotations

from typing import Any

from niochat.contacts.service import public as public_contact
from niochat.store import conversations as store
from niochat.store.contacts import contacts
from niochat.store.inboxes import inboxes
from niochat.store.table import table

PREVIEW_FIELDS = (
    "id", "conversation", "message_type", "media_type", "file_url", "content", "is_from_customer",
    "created_at", "external_id", "additional_attributes", "status",
)  # fmt: skip


def message_preview(message: dict[str, Any]) -> dict[str, Any]:
    return {name: message.get(name) for name in PREVIEW_FIELDS}


def public_inbox(inbox: dict[str, Any] | None) -> dict[str, Any] | None:
    if inbox is None:
        return None
    fields = ("id", "name", "channel_type", "is_active", "created_at")
    return {**{name: inbox.get(name) for name in fields}, "provedor": inbox["provedor_id"]}


def render(provedor_id: int, user_id: int, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
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


def _render_one(provedor_id: int, user_id: int, item: dict[str, Any], found: dict) -> dict[str, Any]:
    contact = found.get(contacts.key(provedor_id, int(item["contact_id"])))
    inbox = public_inbox(found.get(inboxes.key(provedor_id, int(item["inbox_id"]))))
    marker = found.get(store.read_marker(provedor_id, int(item["id"]), user_id))
    contact_view = None
    if contact is not None:
        contact_view = public_contact(contact)
        if contact.get("inbox"):
            contact_view["inbox"] = public_inbox(found.get(inboxes.key(provedor_id, int(contact["inbox"]))))
    seen = int(marker["incoming_seen"]) if marker else 0
    return {
        "id": item["id"],
        "contact": contact_view,
        "inbox": inbox,
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
