"""The contact and the active conversation a chat's messages go to: found with one read (the phone's index
item holds both), created when missing. A group is a contact of its own (keyed by the group's id, marked
`is_group`), so its messages never mix into a person's conversation."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from niochat import clock
from niochat.conversations import service as conversations
from niochat.domain.contacts import new_contact
from niochat.domain.inboxes import Inbox
from niochat.errors import Conflict, ValidationError
from niochat.store import contacts as contact_store
from niochat.store.table import is_conditional_failure
from niochat.webhooks.events import Chat

GROUP_NAME = "Grupo WhatsApp"


@dataclass(frozen=True)
class Thread:
    contact_id: int
    conversation_id: int
    index_phone: str  # the value the contact's phone index item is keyed by


def index_phone(chat: Chat) -> str:
    """The contact's `phone`: the E.164 number of a person, the JID of a group (its digits key the index)."""
    return chat.jid if chat.is_group else str(chat.phone)


def locate(provedor_id: int, inbox_id: int, chat: Chat) -> tuple[int | None, int | None]:
    """(contact id, active conversation id in the inbox), each None when missing: one GetItem."""
    entry = contact_store.phone_entry(provedor_id, index_phone(chat))
    if entry is None:
        return None, None
    active = (entry.get("active_conversations") or {}).get(str(inbox_id))
    return int(entry["contact_id"]), int(active) if active is not None else None


def open_thread(
    provedor_id: int, inbox: Inbox, chat: Chat, provider: str, located: tuple[int | None, int | None] | None = None
) -> Thread:
    """The chat's contact and active conversation in `inbox` (`located`: what `locate` just found), creating
    either when missing (a concurrent delivery creating the same ones first is read back, never duplicated)."""
    inbox_id = int(inbox["id"])
    phone = index_phone(chat)
    contact_id, conversation_id = located or locate(provedor_id, inbox_id, chat)
    if contact_id is None:
        contact_id = _create_contact(provedor_id, inbox, chat, provider)
    if conversation_id is None:
        conversation_id = _create_conversation(provedor_id, inbox_id, contact_id, chat)
    return Thread(contact_id, conversation_id, phone)


def _create_contact(provedor_id: int, inbox: Inbox, chat: Chat, provider: str) -> int:
    phone = index_phone(chat)
    attributes: dict[str, Any] = {"chatid": chat.jid, "instance": (inbox.get("settings") or {}).get("instance")}
    attributes["provider"] = provider
    if chat.lid:
        attributes["sender_lid"] = chat.lid
    if chat.is_group:
        attributes["is_group"] = True
    contact = new_contact(
        contact_store.contacts.new_id(provedor_id),
        provedor_id,
        name=chat.name or (GROUP_NAME if chat.is_group else phone),
        phone=phone,
        now=clock.iso(),
        avatar=chat.avatar,
        inbox=int(inbox["id"]),
        additional_attributes={k: v for k, v in attributes.items() if v is not None},
    )
    try:
        contact_store.contacts.create(provedor_id, contact, contact_store.index_puts(provedor_id, contact))
    except Exception as error:
        if not is_conditional_failure(error):
            raise
        owner = contact_store.owner_of_phone(provedor_id, phone)  # created by a concurrent delivery
        if owner is None:
            raise
        return owner
    return int(contact["id"])


def _create_conversation(provedor_id: int, inbox_id: int, contact_id: int, chat: Chat) -> int:
    attributes = {"is_group": True, "group_jid": chat.jid} if chat.is_group else None
    for attempt in range(4):
        try:
            return int(conversations.create(provedor_id, contact_id, inbox_id, None, attributes)["id"])
        except Conflict:
            # A concurrent delivery opened it first: take that one.
            existing = conversations.active_conversation_id(provedor_id, index_phone(chat), inbox_id)
            if existing is not None:
                return existing
        except ValidationError:
            # create() reads the contact we just wrote without a consistent read: wait for it to be visible.
            if attempt == 3:
                raise
        time.sleep(0.05 * (attempt + 1))
    raise Conflict("Não foi possível abrir a conversa")
