"""The contact and the active conversation a chat's messages go to: found with one read (the phone's index
item holds both), created when missing. A group is a contact of its own (keyed by the group's id, marked
`is_group`), so its messages never mix into a person's conversation.

A person WhatsApp names only by a LID (`…@lid`, no number in the delivery) is a contact keyed by the LID
until a delivery carries their number too. Then the LID is tied to the number (niochat.store.contact_lids):
the LID's contact becomes the number's contact (same id, its conversations kept), or, when another contact
already has the number, the LID leads to that one from then on (the LID's contact marked `merged_into`).
A delivery with both whose phone item already notes the LID costs no more than one with the phone alone.
"""

from __future__ import annotations

import time
from typing import Any, NamedTuple

from aws_lambda_powertools import Logger

from niochat import clock
from niochat.conversations import service as conversations
from niochat.domain.contacts import LID_CONTACT_NAME, new_contact
from niochat.domain.inboxes import Inbox
from niochat.errors import Conflict, ValidationError
from niochat.store import contact_lids
from niochat.store import contacts as contact_store
from niochat.store.table import Item
from niochat.store.writes import ConditionFailed, TransactionConflict
from niochat.webhooks.events import Chat

logger = Logger(child=True)
GROUP_NAME = "Grupo WhatsApp"
LINK_ATTEMPTS = 3


class Thread(NamedTuple):
    contact_id: int
    conversation_id: int
    index_phone: str  # the value the contact's phone index item is keyed by


class Located(NamedTuple):
    """What `locate` found: the contact and its active conversation in the inbox (each None when missing), and
    the `phone` whose index item holds them (the number, a group's id, or a LID-only contact's LID)."""

    contact_id: int | None
    conversation_id: int | None
    index_phone: str


def index_phone(chat: Chat) -> str:
    """The contact's `phone` for a chat: a group's JID (its digits key the index), the person's E.164 number,
    or their LID when the delivery carries no number."""
    if chat.is_group:
        return chat.jid
    return str(chat.phone or chat.lid)


def _located(entry: Item | None, inbox_id: int, phone: str) -> Located:
    if entry is None:
        return Located(None, None, phone)
    active = (entry.get("active_conversations") or {}).get(str(inbox_id))
    return Located(int(entry["contact_id"]), int(active) if active is not None else None, phone)


def locate(provedor_id: int, inbox_id: int, chat: Chat) -> Located:
    """The chat's contact and active conversation in the inbox: one GetItem (a phone whose item notes the
    chat's LID, a group, a LID alone); tying a new LID to a number costs a read and a write once."""
    phone = index_phone(chat)
    entry = contact_store.phone_entry(provedor_id, phone)
    if chat.is_group or chat.lid is None:
        return _located(entry, inbox_id, phone)
    if chat.phone is None:
        return _by_lid(provedor_id, inbox_id, chat.lid, entry)
    if entry is not None and entry.get("lid") == chat.lid:
        return _located(entry, inbox_id, phone)
    for _ in range(LINK_ATTEMPTS):
        done, found = _tie(provedor_id, chat, phone, entry)
        if done:
            return _located(found, inbox_id, phone)
        entry = contact_store.phone_entry(provedor_id, phone)
    return _located(entry, inbox_id, phone)  # kept losing races: the next delivery ties them


def _by_lid(provedor_id: int, inbox_id: int, lid: str, entry: Item | None) -> Located:
    """A delivery with a LID and no number: the LID-only contact, or the phone's contact the LID leads to."""
    linked = entry.get("linked_phone") if entry else None
    if entry is None or not linked:
        return _located(entry, inbox_id, lid)
    phone_entry = contact_store.phone_entry(provedor_id, str(linked))
    if phone_entry is None:  # the number's contact was deleted: the LID starts over
        contact_lids.forget_dangling(provedor_id, lid, entry)
        return Located(None, None, lid)
    return _located(phone_entry, inbox_id, str(linked))


def _tie(provedor_id: int, chat: Chat, phone: str, phone_entry: Item | None) -> tuple[bool, Item | None]:
    """Tie the chat's LID to its number (`phone_entry`: the number's item as read). (True, the number's item to
    locate with) when the LID now leads to the number or nothing needed doing; (False, None) when another
    delivery changed an item first (read again)."""
    assert chat.lid is not None
    lid_entry = contact_lids.entry(provedor_id, chat.lid)
    if phone_entry is None:
        if lid_entry is None or lid_entry.get("linked_phone"):
            return True, None  # no contact has the number yet: the one created for it is tied then (open_thread)
        if not contact_lids.promote(provedor_id, chat.lid, lid_entry, phone, chat.jid, clock.iso()):
            return False, None
        logger.info("a LID-only contact got its number", extra={"contact_id": lid_entry.get("contact_id")})
        moved = lid_entry.get("active_conversations") or {}
        return True, {"contact_id": lid_entry["contact_id"], "active_conversations": moved}
    contact_id = int(phone_entry["contact_id"])
    if (
        lid_entry is not None
        and lid_entry.get("linked_phone")
        and (lid_entry.get("linked_phone") == phone or lid_entry.get("merged_into"))
    ):
        contact_lids.note_on_phone(provedor_id, phone, chat.lid)
        return True, phone_entry
    if lid_entry is None or lid_entry.get("linked_phone"):  # new, or an alias of another number: lead here
        return contact_lids.link(provedor_id, chat.lid, lid_entry, phone, contact_id), phone_entry
    if not contact_lids.merge(provedor_id, chat.lid, lid_entry, phone, contact_id):
        return False, None
    logger.info(
        "a LID-only contact merged into the number's contact",
        extra={"contact_id": lid_entry.get("contact_id"), "merged_into": contact_id},
    )
    return True, phone_entry


def open_thread(provedor_id: int, inbox: Inbox, chat: Chat, provider: str, located: Located | None = None) -> Thread:
    """The chat's contact and active conversation in `inbox` (`located`: what `locate` just found), creating
    either when missing (a concurrent delivery creating the same ones first is read back, never duplicated)."""
    inbox_id = int(inbox["id"])
    contact_id, conversation_id, phone = located or locate(provedor_id, inbox_id, chat)
    if contact_id is None:
        contact_id = _create_contact(provedor_id, inbox, chat, provider, phone)
        if chat.lid and chat.phone and not chat.is_group:  # the LID leads to the new contact of the number
            _tie(provedor_id, chat, phone, {"contact_id": contact_id})
    if conversation_id is None:
        conversation_id = _create_conversation(provedor_id, inbox_id, contact_id, chat, phone)
    return Thread(contact_id, conversation_id, phone)


def _create_contact(provedor_id: int, inbox: Inbox, chat: Chat, provider: str, phone: str) -> int:
    attributes: dict[str, Any] = {"chatid": chat.jid, "instance": (inbox.get("settings") or {}).get("instance")}
    attributes["provider"] = provider
    if chat.lid:
        attributes["sender_lid"] = chat.lid
    if chat.is_group:
        attributes["is_group"] = True
    fallback = GROUP_NAME if chat.is_group else (phone if chat.phone else LID_CONTACT_NAME)
    contact = new_contact(
        contact_store.contacts.new_id(provedor_id),
        provedor_id,
        name=chat.name or fallback,
        phone=phone,
        now=clock.iso(),
        avatar=chat.avatar,
        inbox=int(inbox["id"]),
        additional_attributes={k: v for k, v in attributes.items() if v is not None},
    )
    try:
        contact_store.contacts.create(provedor_id, contact, contact_store.index_puts(provedor_id, contact))
    except (ConditionFailed, TransactionConflict):
        owner = contact_store.owner_of_phone(provedor_id, phone)  # created by a concurrent delivery
        if owner is None:
            raise
        return owner
    return int(contact["id"])


def _create_conversation(provedor_id: int, inbox_id: int, contact_id: int, chat: Chat, phone: str) -> int:
    attributes = {"is_group": True, "group_jid": chat.jid} if chat.is_group else None
    for attempt in range(4):
        try:
            return int(conversations.create(provedor_id, contact_id, inbox_id, None, attributes)["id"])
        except Conflict:
            # A concurrent delivery opened it first: take that one.
            existing = conversations.active_conversation_id(provedor_id, phone, inbox_id)
            if existing is not None:
                return existing
        except ValidationError:
            # create() reads the contact we just wrote without a consistent read: wait for it to be visible.
            if attempt == 3:
                raise
        time.sleep(0.05 * (attempt + 1))
    raise Conflict("Não foi possível abrir a conversa")
