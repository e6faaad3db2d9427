"""Contacts and their search index.

Besides the contact item, each contact owns:
- one phone item `P#<p>#CPHONE` / `<reversed digits>` — unique per provedor (the duplicate check) and the
  phone-suffix search (a suffix of the number is a prefix of the reversed digits); it holds the contact's
  active conversation per inbox, and `lid` once the person's LID is linked to it;
- one name item per folded word `P#<p>#CNAME` / `<word>#<id>` — word-prefix search with begins_with.
All are written in the transaction that writes the contact.

A contact known only by a LID (`phone` = `<digits>@lid`) has a LID item `P#<p>#CLID` / `<digits>` in place of
the phone item (same shape, kept out of the phone search). Once the person's number is known the LID item
leads to the phone's contact (`linked_phone`): an alias holding no conversations, or — when the LID's contact
was merged into another that already had the number — the old contact's conversations (`merged_into`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from niochat.domain import phones, text
from niochat.domain.contacts import Contact, is_lid
from niochat.store import keys
from niochat.store.collection import Collection
from niochat.store.pages import Partition
from niochat.store.table import Item, table
from niochat.store.writes import Check, Delete, Operation, Put, Update, field

contacts: Collection[Contact] = Collection("contact")


def phone_key(provedor_id: int, phone: str) -> tuple[str, str]:
    """The index item of a contact's `phone`: the phone item, or the LID item of a LID (`<digits>@lid`)."""
    if is_lid(phone):
        return f"{keys.tenant(provedor_id)}#CLID", phone.partition("@")[0]
    return f"{keys.tenant(provedor_id)}#CPHONE", phones.digits(phone)[::-1]


def name_pk(provedor_id: int) -> str:
    return f"{keys.tenant(provedor_id)}#CNAME"


def _name_sk(word: str, contact_id: int) -> str:
    return f"{word}#{keys.pad(contact_id)}"


def _phone_put(provedor_id: int, contact: Mapping[str, Any], active: dict[str, int] | None) -> Put:
    """The phone (or LID) item of a contact: unique per provedor, so it fails when the number is taken."""
    pk, sk = phone_key(provedor_id, contact["phone"])
    item = {
        "PK": pk,
        "SK": sk,
        "type": "contact_lid" if is_lid(contact["phone"]) else "contact_phone",
        "contact_id": contact["id"],
        "active_conversations": active or {},
    }
    return Put("phone", item).when_absent()


def _phone_delete(provedor_id: int, phone: str) -> Delete:
    return Delete("old_phone", *phone_key(provedor_id, phone))


def _name_put(provedor_id: int, contact: Mapping[str, Any], word: str) -> Put:
    item = {
        "PK": name_pk(provedor_id),
        "SK": _name_sk(word, contact["id"]),
        "type": "contact_name",
        "contact_id": contact["id"],
        # " joao silva": lets a multi-word search filter on the other words' prefixes (" silv").
        "name_folded": " " + " ".join(text.words(contact["name"])),
    }
    return Put(f"name {word}", item)


def _name_delete(provedor_id: int, contact_id: int, word: str) -> Delete:
    return Delete(f"old_name {word}", name_pk(provedor_id), _name_sk(word, contact_id))


def index_puts(provedor_id: int, contact: Mapping[str, Any]) -> list[Put]:
    """The index items of a new contact (the phone item is labelled "phone": a taken number fails it)."""
    return [_phone_put(provedor_id, contact, None)] + [
        _name_put(provedor_id, contact, word) for word in text.words(contact["name"])
    ]


def index_deletes(provedor_id: int, contact: Mapping[str, Any]) -> list[Operation]:
    operations: list[Operation] = [_phone_delete(provedor_id, contact["phone"])]
    operations += [_name_delete(provedor_id, contact["id"], word) for word in text.words(contact["name"])]
    return operations


def index_changes(provedor_id: int, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Operation]:
    """The index operations that turn `old`'s entries into `new`'s (a new phone keeps the active
    conversations of the old one)."""
    operations: list[Operation] = []
    if phones.digits(old["phone"]) != phones.digits(new["phone"]):
        entry = phone_entry(provedor_id, old["phone"]) or {}
        active = entry.get("active_conversations") or {}
        if is_lid(old["phone"]) and not is_lid(new["phone"]):  # the number of a LID's contact: the LID leads to it
            operations.append(_alias(provedor_id, old["phone"], old["id"], new["phone"]))
        else:
            operations.append(_phone_delete(provedor_id, old["phone"]))
        operations.append(_phone_put(provedor_id, new, active))
    if text.words(old["name"]) != text.words(new["name"]):
        new_words = text.words(new["name"])
        for word in set(text.words(old["name"])) - set(new_words):
            operations.append(_name_delete(provedor_id, old["id"], word))
        operations += [_name_put(provedor_id, new, word) for word in new_words]
    return operations


def _alias(provedor_id: int, lid: str, contact_id: int, phone: str) -> Put:
    pk, sk = phone_key(provedor_id, lid)
    item = {"PK": pk, "SK": sk, "type": "contact_lid", "contact_id": contact_id, "linked_phone": phone}
    return Put("lid", item)


def phone_entry(provedor_id: int, phone: str) -> Item | None:
    """The phone's index item: {contact_id, active_conversations: {inbox id: conversation id}}. One read
    finds both the contact and its active conversation in each inbox (the inbound message path)."""
    return table().get(*phone_key(provedor_id, phone), consistent=True)


def owner_of_phone(provedor_id: int, phone: str) -> int | None:
    item = phone_entry(provedor_id, phone)
    return int(item["contact_id"]) if item else None


def _slot(inbox_id: int) -> str:
    return f"active_conversations.{inbox_id}"


def active_set_op(provedor_id: int, phone: str, inbox_id: int, conversation_id: int) -> Update:
    """Make `conversation_id` the contact's active conversation in the inbox (labelled "phone"); fails if one is
    already, or when `phone` is a LID that now only leads to a phone's contact (its contact got the number
    meanwhile)."""
    return (
        Update("phone", *phone_key(provedor_id, phone))
        .set(_slot(inbox_id), conversation_id)
        .when_exists()
        .when(field(_slot(inbox_id)).not_exists())
        .when(field("linked_phone").not_exists() | field("merged_into").exists())
    )


def active_clear_op(provedor_id: int, phone: str, inbox_id: int, conversation_id: int) -> Update:
    return (
        Update("phone", *phone_key(provedor_id, phone))
        .remove(_slot(inbox_id))
        .when(field(_slot(inbox_id)).eq(conversation_id))
    )


def name_search(provedor_id: int, query_words: list[str]) -> Partition:
    """Contacts with a word starting with each of `query_words`: the longest drives the key condition,
    the others filter on the index item's folded name."""
    lead = max(query_words, key=len)
    others = [w for w in query_words if w != lead]
    values: dict[str, Any] = {":prefix": lead}
    conditions = []
    for i, word in enumerate(others):
        values[f":w{i}"] = " " + word
        conditions.append(f"contains(name_folded, :w{i})")
    return Partition(
        name_pk(provedor_id),
        sk_condition="begins_with(#sk, :prefix)",
        values=values,
        filter_expression=" AND ".join(conditions) or None,
    )


def phone_search(provedor_id: int, digits: str) -> Partition:
    pk, _ = phone_key(provedor_id, "")
    return Partition(pk, sk_condition="begins_with(#sk, :prefix)", values={":prefix": digits[::-1]})


def conversation_added_op(provedor_id: int, contact_id: int, conversation_id: int, now: str) -> Update:
    """Count the new conversation on its contact and remember its id (conversation search goes through it)."""
    return (
        Update("contact", *contacts.key(provedor_id, contact_id))
        .set("updated_at", now)
        .append("conversation_ids", [conversation_id])
        .add("conversation_count", 1)
        .when_exists()
    )


def contact_received_op(provedor_id: int, contact_id: int, at: str, avatar: str | None) -> Update:
    """A customer message, on its contact: one more unread message, last seen now, and the WhatsApp avatar if
    none is set."""
    op = (
        Update("contact", *contacts.key(provedor_id, contact_id))
        .set("last_seen", at)
        .set("updated_at", at)
        .add("unread_messages", 1)
        .when_exists()
    )
    if avatar:
        op.set_default("avatar", avatar)
    return op


def still_active_check(provedor_id: int, phone: str, inbox_id: int, conversation_id: int) -> Check:
    """Fails unless `conversation_id` is still the contact's active conversation in the inbox (not closed
    between the read and the write): `phone` is the contact's index item (niochat.store.contacts)."""
    check = Check("active", *phone_key(provedor_id, phone))
    return check.when(field(f"active_conversations.{inbox_id}").eq(conversation_id))
