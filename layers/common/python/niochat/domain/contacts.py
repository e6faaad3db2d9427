"""Contacts: the stored item and its one constructor (used by the API and by the webhook path alike)."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

# A person WhatsApp only names by a LID (an id that hides their number) is a contact whose `phone` is that LID
# until a delivery carries their number too (niochat.webhooks.threads).
LID_SUFFIX = "@lid"
# The name of such a contact when the delivery carries none.
LID_CONTACT_NAME = "Contato WhatsApp"


def is_lid(phone: str) -> bool:
    """Whether a contact's `phone` is a LID (`138401042923712@lid`), not a number."""
    return phone.endswith(LID_SUFFIX)


class Contact(TypedDict):
    """A contact as stored (the store adds keys and the phone and name index items). Nullable fields are
    NotRequired: the store drops attributes whose value is None, so an item read back lacks them."""

    id: int
    provedor_id: int
    name: str
    phone: str  # E.164 for a person; a group's WhatsApp id for a group; a LID (`<digits>@lid`) until a phone is known
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
