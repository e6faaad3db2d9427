"""Reacting to a message and deleting one: the provider first (a refusal is a 502 and changes nothing),
then the message's `additional_attributes`.

- `reactions`: a list with one entry per reactor — `{"emoji", "reactor", "from_me", "user", "reacted_at"}`;
  our side (every agent shares the inbox's WhatsApp number) is reactor "me"; an empty reaction removes it.
- deletion: `deleted: true`, `deleted_at`, `deleted_by`; the row and its content stay.

Both are a read-modify-write at the version read (niochat.store.messages.edit_op), as the providers' reactions,
edits and revokes are (niochat.webhooks.updates).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from niochat import clock
from niochat.channels.base import ProviderError
from niochat.domain.messages import DeliveryStatus, Message, MessageType
from niochat.domain.users import Principal, sender
from niochat.errors import BadGateway, Conflict
from niochat.messages import access
from niochat.store import messages
from niochat.store.table import Item, table
from niochat.store.writes import ConditionFailed, TransactionConflict

ME = "me"
RACE = "A mensagem foi alterada ao mesmo tempo por outra pessoa. Tente novamente"


def _provider_failed(message: Message, error: ProviderError) -> BadGateway:
    details = {"message_id": message["id"], "provider_status": error.status, "provider_error": error.message}
    return BadGateway("O WhatsApp recusou a operação; nada foi alterado", details)


def _change_attributes(provedor_id: int, message: Message, change: Callable[[dict[str, Any]], None]) -> Item:
    """Read-modify-write of `additional_attributes` at the version read (retried on a lost race)."""
    for _ in range(3):
        attributes = copy.deepcopy(message.get("additional_attributes") or {})
        change(attributes)
        changes = {"additional_attributes": attributes, "updated_at": clock.iso()}
        try:
            table().transact([messages.edit_op(provedor_id, message, changes)])
            return {**message, **changes, "version": messages.version_of(message) + 1}
        except (ConditionFailed, TransactionConflict):
            message = access.current(provedor_id, message)
    raise Conflict(RACE)


def react(caller: Principal, provedor_id: int, message_id: int, reaction: str) -> Item:
    message, target = access.writable_message(caller, provedor_id, message_id)
    if message.get("message_type") == MessageType.ACTIVITY:
        raise Conflict("Não é possível reagir a mensagens de atividade")
    if (message.get("additional_attributes") or {}).get("deleted"):
        raise Conflict("Não é possível reagir a uma mensagem apagada")
    if not message.get("external_id"):
        raise Conflict("A mensagem ainda não chegou ao WhatsApp; não é possível reagir a ela")
    from_me = message.get("message_type") == MessageType.OUTGOING
    try:
        target.client.react(target.number, str(message["external_id"]), reaction, from_me)
    except ProviderError as error:
        raise _provider_failed(message, error) from None

    def apply(attributes: dict[str, Any]) -> None:
        reactions = [r for r in attributes.get("reactions") or [] if isinstance(r, dict) and r.get("reactor") != ME]
        if reaction:
            reactions.append({"emoji": reaction, "reactor": ME, "from_me": True,
                              "user": sender(caller), "reacted_at": clock.iso()})  # fmt: skip
        attributes["reactions"] = reactions

    return _change_attributes(provedor_id, message, apply)


def delete(caller: Principal, provedor_id: int, message_id: int) -> Item:
    message, target = access.writable_message(caller, provedor_id, message_id)
    if message.get("message_type") != MessageType.OUTGOING:
        raise Conflict("Só é possível apagar mensagens enviadas pela equipe")
    if (message.get("additional_attributes") or {}).get("deleted"):
        raise Conflict("A mensagem já foi apagada")
    if message.get("status") == DeliveryStatus.SENDING:
        raise Conflict("A mensagem ainda está sendo enviada. Tente novamente em instantes")
    if message.get("external_id"):  # a message that never reached WhatsApp is only marked here
        try:
            target.client.delete(target.number, str(message["external_id"]), True)
        except ProviderError as error:
            raise _provider_failed(message, error) from None

    def apply(attributes: dict[str, Any]) -> None:
        attributes.update(deleted=True, deleted_at=clock.iso(), deleted_by=sender(caller))

    return _change_attributes(provedor_id, message, apply)
