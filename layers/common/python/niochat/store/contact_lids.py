"""The writes that tie a LID to a phone (niochat.webhooks.threads decides which): a LID item `P#<p>#CLID` /
`<digits>` is either a LID-only contact's index item (its active conversations, like a phone item) or, once
the number is known, `linked_phone`: the LID leads to that phone's contact. Each write is conditioned on the
items as they were read, so two deliveries racing to link the same LID never both win.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from niochat.store import contacts
from niochat.store.table import Item, table
from niochat.store.writes import Delete, Operation, Put, Update, WriteError, field

KIND = "contact_lid"


def entry(provedor_id: int, lid: str) -> Item | None:
    """The LID's item (consistent), or None."""
    return contacts.phone_entry(provedor_id, lid)


def _lid_phone_op(provedor_id: int, phone: str, lid: str) -> Update:
    """Note the LID on the phone's item: a later delivery carrying both finds the link with its one read."""
    return Update("phone", *contacts.phone_key(provedor_id, phone)).set("lid", lid).when_exists()


def _write(operations: list[Operation]) -> bool:
    try:
        table().transact(list(operations))
    except WriteError:  # a condition failed, or another transaction wrote the same items at that moment
        return False
    return True


def link(provedor_id: int, lid: str, found: Mapping[str, Any] | None, phone: str, contact_id: int) -> bool:
    """Make the LID lead to `phone`'s contact (`found`: the LID's item as read, an alias or None). False when
    another request changed it first."""
    pk, sk = contacts.phone_key(provedor_id, lid)
    item = {"PK": pk, "SK": sk, "type": KIND, "contact_id": contact_id, "linked_phone": phone}
    put = Put("lid", item)
    if found is None:
        put.when_absent()
    else:
        put.when(field("linked_phone").eq(found.get("linked_phone")), field("merged_into").not_exists())
    return _write([put, _lid_phone_op(provedor_id, phone, lid)])


def note_on_phone(provedor_id: int, phone: str, lid: str) -> None:
    """The LID already leads to `phone`: only the phone's item lacks the note."""
    _write([_lid_phone_op(provedor_id, phone, lid)])


def promote(provedor_id: int, lid: str, found: Mapping[str, Any], phone: str, chat_id: str, now: str) -> bool:
    """The LID-only contact gets the number: its `phone` becomes `phone`, its active conversations move to a new
    phone item, and the LID item becomes an alias — one transaction, conditioned on nothing having moved since
    `found` (the LID's item) was read and on no contact having that number. False otherwise."""
    contact_id = int(found["contact_id"])
    active = found.get("active_conversations") or {}
    phone_pk, phone_sk = contacts.phone_key(provedor_id, phone)
    phone_item = {"PK": phone_pk, "SK": phone_sk, "type": "contact_phone", "contact_id": contact_id,
                  "active_conversations": active, "lid": lid}  # fmt: skip
    operations: list[Operation] = [
        Update("contact", *contacts.contacts.key(provedor_id, contact_id))
        .set("phone", phone)
        .set("additional_attributes.chatid", chat_id)
        .set("updated_at", now)
        .when(field("phone").eq(lid)),
        Put("phone", phone_item).when_absent(),
        Update("lid", *contacts.phone_key(provedor_id, lid))
        .set("linked_phone", phone)
        .remove("active_conversations")
        .when(field("contact_id").eq(contact_id), field("linked_phone").not_exists())
        .when(field("active_conversations").eq(active)),
    ]
    return _write(operations)


def merge(provedor_id: int, lid: str, found: Mapping[str, Any], phone: str, into: int) -> bool:
    """The LID-only contact's person already has a contact with the number (`into`): the LID leads to it from
    now on. The LID's contact keeps its conversations (the LID item keeps their slots, so the open one can still
    be answered and closed) and is marked `merged_into`. False when another request changed it first."""
    contact_id = int(found["contact_id"])
    operations: list[Operation] = [
        Update("lid", *contacts.phone_key(provedor_id, lid))
        .set("linked_phone", phone)
        .set("merged_into", into)
        .when(field("contact_id").eq(contact_id), field("linked_phone").not_exists()),
        _lid_phone_op(provedor_id, phone, lid),
        Update("contact", *contacts.contacts.key(provedor_id, contact_id))
        .set("additional_attributes.merged_into", into)
        .when_exists(),
    ]
    return _write(operations)


def forget_dangling(provedor_id: int, lid: str, found: Mapping[str, Any]) -> None:
    """The LID leads to a phone whose contact was deleted: drop the alias (if still as read)."""
    op = Delete("lid", *contacts.phone_key(provedor_id, lid)).when(
        field("linked_phone").eq(found.get("linked_phone")), field("merged_into").not_exists()
    )
    _write([op])
