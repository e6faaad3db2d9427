"""Conversation search by contact name or phone: through the contacts' search index, never a Scan.

The first SEARCH_CONTACTS matching contacts are read, then their conversations (ids kept on the contact),
filtered by what the caller may see and asked for, newest activity first.
"""

from __future__ import annotations

from niochat.contacts.service import listing as contact_listing
from niochat.conversations.listing import Filters
from niochat.domain.conversations import Conversation, Viewer, can_see
from niochat.store import conversations as store
from niochat.store import pages

SEARCH_CONTACTS = 50


def matches(viewer: Viewer, provedor_id: int, f: Filters, query: str) -> list[Conversation]:
    found = contact_listing(provedor_id, query)
    contacts = found.resolve(pages.after(found.partition, SEARCH_CONTACTS, None).items)
    ids = [int(i) for c in contacts for i in (c.get("conversation_ids") or [])]
    conversations = store.conversations.get_many(provedor_id, ids).values()
    wanted = []
    for c in conversations:
        if c["status"] not in f.statuses or not can_see(viewer, c["status"], c.get("assignee_id"), c.get("team_id")):
            continue
        if f.assignee != "any" and c.get("assignee_id") != f.assignee:
            continue
        if (f.team is not None and c.get("team_id") != f.team) or (
            f.inbox is not None and c.get("inbox_id") != f.inbox
        ):
            continue
        wanted.append(c)
    return sorted(wanted, key=lambda c: store.activity_key(c["last_activity_at"], c["id"]), reverse=True)
