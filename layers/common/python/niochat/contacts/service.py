"""Contact use cases: create, read, change, delete, list and search, inside one provedor."""

from __future__ import annotations

from typing import Any, NamedTuple, cast

from niochat import clock
from niochat.contacts.models import ContactCreate, ContactPatch, ContactReplace
from niochat.domain import phones, text
from niochat.domain.contacts import Contact, new_contact
from niochat.domain.users import Principal
from niochat.errors import NotFound, PermissionDenied, ValidationError
from niochat.store import contacts as store
from niochat.store import pages
from niochat.store.inboxes import inboxes
from niochat.store.pages import Partition
from niochat.store.writes import WriteError
from niochat.tenancy import INVALID_PROVEDOR

NOT_FOUND = "Contato não encontrado"


def require_writer(caller: Principal) -> None:
    """Writing contacts: admins and agents with `manage_contacts` (checked before the body is read)."""
    if not caller.has("manage_contacts"):
        raise PermissionDenied("Você não tem permissão para gerenciar contatos")


def _check_inbox(provedor_id: int, inbox_id: int | None) -> None:
    if inbox_id is not None and inboxes.get(provedor_id, inbox_id) is None:
        raise ValidationError.field("inbox", "Inbox inválida")


def _duplicate_phone(provedor_id: int, phone: str) -> ValidationError:
    owner = store.owner_of_phone(provedor_id, phone)
    return ValidationError(
        f"Já existe um contato com este telefone (id {owner})",
        {"field": "phone", "message": f"Já existe um contato com este telefone (id {owner})", "contact_id": owner},
    )


def get(provedor_id: int, contact_id: int) -> Contact:
    contact = store.contacts.get(provedor_id, contact_id)
    if contact is None:
        raise NotFound(NOT_FOUND)
    return contact


def create(caller: Principal, provedor_id: int, data: ContactCreate) -> Contact:
    require_writer(caller)
    _check_inbox(provedor_id, data.inbox)
    contact = new_contact(
        store.contacts.new_id(provedor_id),
        provedor_id,
        name=data.name,
        phone=data.phone,
        now=clock.iso(),
        email=data.email,
        avatar=data.avatar,
        inbox=data.inbox,
        additional_attributes=data.additional_attributes,
    )
    try:
        store.contacts.create(provedor_id, contact, store.index_puts(provedor_id, contact))
    except WriteError:
        raise _duplicate_phone(provedor_id, data.phone) from None
    return contact


def update(caller: Principal, provedor_id: int, contact_id: int, data: ContactReplace | ContactPatch) -> Contact:
    require_writer(caller)
    if data.provedor is not None and data.provedor != provedor_id:
        raise ValidationError.field("provedor", INVALID_PROVEDOR)
    old = get(provedor_id, contact_id)
    changes = data.model_dump(exclude={"provedor"}, exclude_unset=isinstance(data, ContactPatch))
    if isinstance(data, ContactPatch):
        changes = {k: v for k, v in changes.items() if not (k in ("name", "phone") and v is None)}
    if "additional_attributes" in changes:
        changes["additional_attributes"] = changes["additional_attributes"] or {}
    _check_inbox(provedor_id, changes.get("inbox"))
    changes["updated_at"] = clock.iso()
    new = cast(Contact, {**old, **changes})
    try:
        store.contacts.update(provedor_id, contact_id, changes, store.index_changes(provedor_id, old, new))
    except WriteError:
        if phones.digits(old["phone"]) != phones.digits(new["phone"]):
            owner = store.owner_of_phone(provedor_id, new["phone"])
            if owner not in (None, contact_id):
                raise _duplicate_phone(provedor_id, new["phone"]) from None
        raise NotFound(NOT_FOUND) from None
    return new


def delete(caller: Principal, provedor_id: int, contact_id: int) -> None:
    require_writer(caller)
    contact = get(provedor_id, contact_id)
    try:
        store.contacts.delete(provedor_id, contact_id, store.index_deletes(provedor_id, contact))
    except WriteError:  # deleted meanwhile
        raise NotFound(NOT_FOUND) from None


def _search_digits(query: str) -> str:
    """A whole number is searched in its canonical form (so the ninth digit may be left out); anything
    shorter is searched as the end of the number."""
    digits = phones.digits(query)
    if len(digits) >= 10:
        try:
            return phones.digits(phones.normalize(query))
        except phones.InvalidPhone:
            pass
    return digits


class Listing(NamedTuple):
    partition: Partition
    total: int
    # Turns the partition's items (contacts, or search-index entries) into contacts.
    resolve: Any


def listing(provedor_id: int, search: str | None) -> Listing:
    """The list to page through: every contact newest first, or the matches of `search`."""
    query = (search or "").strip()
    if not query:
        return Listing(store.contacts.partition(provedor_id), store.contacts.count(provedor_id), lambda items: items)
    query_words = text.words(query) if any(ch.isalpha() for ch in query) else []
    if query_words:
        partition = store.name_search(provedor_id, query_words)
    elif len(phones.digits(query)) >= 4:
        partition = store.phone_search(provedor_id, _search_digits(query))
    else:
        raise ValidationError.field("search", "Busca inválida: use letras do nome ou ao menos 4 dígitos do telefone")

    def resolve(entries: list[dict[str, Any]]) -> list[Contact]:
        ids = list(dict.fromkeys(int(e["contact_id"]) for e in entries))
        found = store.contacts.get_many(provedor_id, ids)
        return [found[i] for i in ids if i in found]

    return Listing(partition, pages.count(partition), resolve)
