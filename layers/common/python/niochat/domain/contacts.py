"""Contacts: the stored item and its one constructor (used by the API and by the webhook path alike)."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class Contact(TypedDict):
    """A contact as stored (the store adds keys and the phone and name index items). Nullable fields are
    NotRequired: the store drops attributes whose value is None, so an item read back lacks them."""

    id: int
    provedor_id: int
    name: str
    phone: str  # E.164 for a person; a group's WhatsApp id for a group
    email: NotRequired[str | None]
    avatar: NotRequired[str | None]
    inbox: NotRequired[int | None]  # the inbox it was first seen in
    additional_attributes: dict[str, Any]
    is_online: bool
    last_seen: NotRequired[str | None]
    conversation_count: int
    unread_messages: int
    created_at: str
    updated_at: str
    # Kept by the store as conversations are opened (conversation search goes through them).
    conversation_ids: NotRequired[list[int]]


def new_contact(
    contact_id: int,
    provedor_id: int,
    *,
    name: str,
    phone: str,
    now: str,
    email: str | None = None,
    avatar: str | None = None,
    inbox: int | None = None,
    additional_attributes: dict[str, Any] | None = None,
) -> Contact:
    return {
        "id": contact_id,
        "provedor_id": provedor_id,
        "name": name,
        "phone": phone,
        "email": email,
        "avatar": avatar,
        "inbox": inbox,
        "additional_attributes": additional_attributes or {},
        "is_online": False,
        "last_seen": None,
        "conversation_count": 0,
        "unread_messages": 0,
        "created_at": now,
        "updated_at": now,
    }
