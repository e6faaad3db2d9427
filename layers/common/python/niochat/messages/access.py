"""Who may read or write a conversation's messages, and what a write needs: the conversation, its inbox's
provider client and the contact's WhatsApp number.

Reading follows the conversations' visibility (can't see → 404). Writing (send, react, delete, retry) also
needs the right to act on it — admin, assignee, or a member of its team (can see but can't act → 403) — an
open conversation (closed → 409), and an active WhatsApp inbox with a provider configured (else 409).
"""

from __future__ import annotations

from typing import NamedTuple, cast

from niochat.channels.base import ProviderClient
from niochat.conversations import service as conversations
from niochat.domain import phones
from niochat.domain.contacts import Contact
from niochat.domain.conversations import Action, Conversation, Status, can_act
from niochat.domain.inboxes import Inbox
from niochat.domain.messages import Message
from niochat.domain.users import Principal
from niochat.errors import Conflict, NotFound, PermissionDenied
from niochat.store import messages
from niochat.store.contacts import contacts
from niochat.store.inboxes import inboxes
from niochat.store.table import table

MESSAGE_NOT_FOUND = "Mensagem não encontrada"


class Target(NamedTuple):
    """A conversation an agent may write to, with what sending needs."""

    provedor_id: int
    conversation: Conversation
    inbox: Inbox
    contact: Contact
    number: str  # the chat as the provider knows it: a WhatsApp chat id, or the phone's digits
    client: ProviderClient


def readable(caller: Principal, provedor_id: int, conversation_id: int) -> Conversation:
    return conversations.get_visible(conversations.viewer_for(caller, provedor_id), provedor_id, conversation_id)


def number_of(contact: Contact) -> str:
    """The chat id the inbound path kept (`additional_attributes.chatid`), else E.164 digits without '+'."""
    chat_id = (contact.get("additional_attributes") or {}).get("chatid")
    if isinstance(chat_id, str) and chat_id.strip():
        return chat_id.strip()
    return phones.digits(str(contact.get("phone") or ""))


def writable(caller: Principal, provedor_id: int, conversation_id: int) -> Target:
    viewer = conversations.viewer_for(caller, provedor_id)
    conversation = conversations.get_visible(viewer, provedor_id, conversation_id)
    if not can_act(viewer, Action.SET_STATUS, conversation.get("assignee_id"), conversation.get("team_id")):
        raise PermissionDenied("Você não tem permissão para enviar mensagens nesta conversa")
    if conversation["status"] == Status.CLOSED:
        raise Conflict("A conversa está encerrada. Reabra-a para enviar mensagens")
    return _target(provedor_id, conversation)


def system_target(provedor_id: int, conversation_id: int) -> Target:
    """A conversation the platform itself writes to (a CSAT survey, its thank-you): no caller, and it may be
    closed; the same needs of the inbox and the contact as an agent's write."""
    conversation = conversations.get(provedor_id, conversation_id)
    return _target(provedor_id, conversation)


def _target(provedor_id: int, conversation: Conversation) -> Target:
    inbox_key = inboxes.key(provedor_id, int(conversation["inbox_id"]))
    contact_key = contacts.key(provedor_id, int(conversation["contact_id"]))
    found = {(i["PK"], i["SK"]): i for i in table().batch_get([inbox_key, contact_key])}
    inbox, contact = cast("Inbox | None", found.get(inbox_key)), cast("Contact | None", found.get(contact_key))
    if inbox is None or not inbox.get("is_active", True) or inbox.get("channel_type") != "whatsapp":
        raise Conflict("A inbox desta conversa não é uma inbox de WhatsApp ativa")
    if contact is None:
        raise Conflict("O contato desta conversa não existe mais")
    from niochat.channels.factory import InvalidProviderSettings, client_for

    try:
        client = client_for(inbox)
    except InvalidProviderSettings as error:
        raise Conflict(f"A inbox não está configurada para envio: {error}") from None
    number = number_of(contact)
    if not number:
        raise Conflict("O contato desta conversa não tem número de WhatsApp")
    return Target(provedor_id, conversation, inbox, contact, number, client)


def current(provedor_id: int, message: Message) -> Message:
    fresh = table().get(*messages.key(provedor_id, int(message["conversation"]), int(message["id"])), consistent=True)
    if fresh is None:
        raise NotFound(MESSAGE_NOT_FOUND)
    return cast(Message, fresh)


def writable_message(caller: Principal, provedor_id: int, message_id: int) -> tuple[Message, Target]:
    """A message and its conversation as a write target. A message whose conversation the caller can't see
    is the same 404 as one that doesn't exist."""
    found = messages.get(provedor_id, message_id)
    if found is None:
        raise NotFound(MESSAGE_NOT_FOUND)
    try:
        target = writable(caller, provedor_id, int(found["conversation"]))
    except NotFound:
        raise NotFound(MESSAGE_NOT_FOUND) from None
    return current(provedor_id, found), target
