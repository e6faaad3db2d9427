"""Sending: store first, then call the provider, then record what happened.

1. The message is written with `status: "sending"` in one transaction with the conversation's update (last
   message, recency); a media file is in S3 before that. Nothing an agent typed is lost past this point.
2. The inbox's provider is called (niochat.channels: timeouts, retries on 5xx and timeouts only).
3. Success: `sent` + `external_id`, and the provider-id items (niochat.store.messages.external_put_op) in the
   same transaction, so the webhook echo of our own message finds it. Failure: `failed` + `error`, and a 502
   whose details carry the message id; `POST /api/messages/{id}/retry/` sends it again. Every failure, of any
   send (agents', the platform's, the assistant's), is counted (niochat.metrics.PROVIDER_SEND_FAILURES).

A function that dies between 1 and 3 would leave the message `sending` for ever: step 1 (and a retry) also
schedules a `sending_timeout` timer, and niochat.messages.stuck fails the message if it is still `sending`
then (the webhook echo of a message the provider did accept makes it `sent` first).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, NamedTuple, cast

from aws_lambda_powertools import Logger

from niochat import clock, metrics
from niochat.channels.base import Attachment, ProviderClient, ProviderError, SendResult
from niochat.domain import cycles
from niochat.domain import media as files
from niochat.domain.conversations import Status
from niochat.domain.messages import DeliveryStatus, MediaType, Message, MessageType, new_message_id, new_outgoing
from niochat.domain.users import AssistantRef, Principal, UserRef, sender
from niochat.errors import BadGateway, Conflict, NotFound, ValidationError
from niochat.messages import access
from niochat.messages.access import Target
from niochat.messages.models import SendMediaForm
from niochat.messages.multipart import Upload
from niochat.messages.views import last_message
from niochat.settings import get_settings
from niochat.store import bucket, conversations, due, messages
from niochat.store.table import Item, table
from niochat.store.writes import ConditionFailed, Put, TransactionConflict, Update, field
from niochat.timers.kinds import SENDING_TIMEOUT

logger = Logger(child=True)
Send = Callable[[ProviderClient], SendResult]


def _new(
    target: Target,
    author: UserRef | AssistantRef | None,
    message_id: int,
    at: float,
    media_type: str,
    content: str,
    attributes: dict[str, Any] | None = None,
    file: files.MessageFile | None = None,
) -> Message:
    return new_outgoing(
        message_id,
        target.provedor_id,
        conversation_id=int(target.conversation["id"]),
        inbox_id=int(target.inbox["id"]),
        contact_id=int(target.contact["id"]),
        media_type=media_type,
        content=content,
        sender=author,
        at=clock.iso(at),
        additional_attributes=attributes,
        file=file,
    )


def _store(target: Target, message: Message, while_closed: bool = False, only_while: Status | None = None) -> None:
    """The message and the conversation's update, atomically; the conversation must still be open (unless
    `while_closed`: the platform's own messages to a closed conversation, like a CSAT survey), and in status
    `only_while` when given (the assistant writes only while the conversation is with it)."""
    pid, conversation_id = target.provedor_id, int(target.conversation["id"])
    cycle = cycles.of_message(message, closed=while_closed)
    added = conversations.message_added_op(
        pid, conversation_id, last_message(message), message["created_at"], False, cycle
    )
    if only_while is not None:
        added.when(field("status").eq(str(only_while)))
    elif not while_closed:
        added.when(field("status").ne(str(Status.CLOSED)))
    try:
        table().transact([messages.put_op(pid, message), added, _timeout_op(pid, message)])
    except ConditionFailed:
        current = conversations.conversations.get(pid, conversation_id, consistent=True)
        if current is None:
            raise NotFound("Conversa não encontrada") from None
        if current["status"] == Status.CLOSED:
            raise Conflict("A conversa foi encerrada. Reabra-a para enviar mensagens") from None
        if only_while is not None and current["status"] != only_while:
            raise Conflict("A conversa mudou de situação") from None
        raise Conflict("Não foi possível registrar a mensagem agora. Tente novamente") from None


def _timeout_op(provedor_id: int, message: Message) -> Put:
    """The timer that fails the message if it is still `sending` after SENDING_TIMEOUT_SECONDS."""
    at = clock.now() + get_settings().sending_timeout_seconds
    args = {"conversation_id": int(message["conversation"]), "message_id": int(message["id"])}
    return due.schedule_op(provedor_id, SENDING_TIMEOUT, str(message["id"]), at, args)


def preview_status(provedor_id: int, conversation_id: int, message: Message, changes: Item) -> None:
    """Keep the conversation's last-message preview in step, when this message still is the last one."""
    with contextlib.suppress(ConditionFailed):  # another message is the last one now
        table().write(conversations.preview_status_op(provedor_id, conversation_id, int(message["id"]), changes))


def _mark_sent(target: Target, message: Message, result: SendResult) -> Item:
    now = clock.iso()
    changes = {"status": str(DeliveryStatus.SENT), "external_id": result.external_id, "error": None,
               "sent_at": now, "updated_at": now}  # fmt: skip
    still_sending = field("status").eq(str(DeliveryStatus.SENDING))
    update = messages.update_op(target.provedor_id, message, changes).when(still_sending)
    inbox_id = int(target.inbox["id"])
    ids = list(dict.fromkeys([result.external_id, *result.aliases]))
    claims = [
        messages.external_put_op(target.provedor_id, inbox_id, external_id, message, f"external_id{n or ''}")
        for n, external_id in enumerate(ids)
    ]
    try:
        table().transact([update, *claims])
    except (ConditionFailed, TransactionConflict):
        _settle_race(target, message, update, claims, result)
    preview_status(target.provedor_id, int(target.conversation["id"]), message, changes)
    return {**message, **changes}


def _settle_race(target: Target, message: Message, update: Update, claims: list[Put], result: SendResult) -> None:
    """The provider's id was already claimed (the webhook echo got here first) or the status moved on:
    record what we can, one write at a time."""
    owner = messages.by_external_id(target.provedor_id, int(target.inbox["id"]), result.external_id)
    if owner is not None and int(owner["message_id"]) != int(message["id"]):
        logger.warning(
            "the provider's echo of a sent message was stored as another message first",
            extra={"message_id": message["id"], "echo_message_id": owner["message_id"]},
        )
    for operation in (update, *claims):
        with contextlib.suppress(ConditionFailed, TransactionConflict):
            table().transact([operation])


def _mark_failed(target: Target, message: Message, error: ProviderError) -> Item:
    now = clock.iso()
    changes = {"status": str(DeliveryStatus.FAILED), "error": {"status": error.status, "message": error.message},
               "failed_at": now, "updated_at": now}  # fmt: skip
    still_sending = field("status").eq(str(DeliveryStatus.SENDING))
    update = messages.update_op(target.provedor_id, message, changes).when(still_sending)
    try:
        table().transact([update])
    except (ConditionFailed, TransactionConflict):
        logger.warning("a failed message changed meanwhile", extra={"message_id": message["id"]})
    preview_status(target.provedor_id, int(target.conversation["id"]), message, changes)
    return {**message, **changes}


def _attempt(target: Target, message: Message, send: Send) -> tuple[Item, ProviderError | None]:
    """Call the provider and record the outcome: the message after it, and the provider's refusal if any."""
    try:
        result = send(target.client)
    except Exception as error:  # whatever the provider call raised is the send's failure, recorded and counted
        if not isinstance(error, ProviderError):
            logger.exception("unexpected error calling the provider", extra={"message_id": message["id"]})
            error = ProviderError(f"Erro inesperado ao chamar o provedor ({type(error).__name__})")
        metrics.count(metrics.PROVIDER_SEND_FAILURES)
        return _mark_failed(target, message, error), error
    return _mark_sent(target, message, result), None


def _deliver(target: Target, message: Message, send: Send) -> Item:
    delivered, error = _attempt(target, message, send)
    if error is not None:
        details = {"message_id": delivered["id"], "status": delivered["status"], "provider_status": error.status,
                   "provider_error": error.message}  # fmt: skip
        raise BadGateway("O WhatsApp não aceitou a mensagem. Ela foi guardada e pode ser reenviada", details) from None
    return delivered


def _reply_to(target: Target, reply_to_message_id: int | None) -> dict[str, Any] | None:
    if reply_to_message_id is None:
        return None
    replied = messages.get(target.provedor_id, reply_to_message_id)
    if replied is None or int(replied["conversation"]) != int(target.conversation["id"]):
        raise ValidationError.field("reply_to_message_id", "Mensagem respondida inválida")
    return {"message_id": replied["id"], "external_id": replied.get("external_id"),
            "content": str(replied.get("content") or "")[:200]}  # fmt: skip


def _sender(message: Message, target: Target) -> Send:
    """How to (re)send a stored message through a provider client."""
    kind = message["media_type"]
    if kind == MediaType.TEXT:
        reply = (message.get("additional_attributes") or {}).get("reply_to") or {}
        return lambda client: client.send_text(target.number, message["content"], reply.get("external_id"))
    key = message["media_key"]
    caption = message.get("content") or None
    name, mime_type = message.get("original_file_name") or message.get("file_name"), message.get("mime_type")
    return lambda client: client.send_media(target.number, Attachment(kind, bucket.read(key), mime_type, name), caption)


def send_text(caller: Principal, provedor_id: int, conversation_id: int, content: str, reply_to: int | None) -> Item:
    target = access.writable(caller, provedor_id, conversation_id)
    reply = _reply_to(target, reply_to)
    now = clock.now()
    attributes = {"reply_to": reply} if reply is not None else None
    message = _new(target, sender(caller), new_message_id(now), now, str(MediaType.TEXT), content, attributes)
    _store(target, message)
    return _deliver(target, message, _sender(message, target))


def send_media(caller: Principal, provedor_id: int, form: SendMediaForm, upload: Upload) -> Item:
    target = access.writable(caller, provedor_id, form.conversation_id)
    now = clock.now()
    message_id = new_message_id(now)
    file = files.new_file(upload.filename, upload.content_type, len(upload.content), form.message_type)
    key = files.object_key(provedor_id, form.conversation_id, message_id, file["file_name"])
    bucket.put(key, upload.content, upload.content_type)
    message = _new(
        target, sender(caller), message_id, now, form.message_type, form.caption or "", None, files.stored(file, key)
    )
    _store(target, message)
    return _deliver(target, message, _sender(message, target))


def retry(caller: Principal, provedor_id: int, message_id: int) -> Item:
    message, target = access.writable_message(caller, provedor_id, message_id)
    if message.get("message_type") != MessageType.OUTGOING or message.get("status") != DeliveryStatus.FAILED:
        raise Conflict("Só mensagens enviadas que falharam podem ser reenviadas")
    changes = {"status": str(DeliveryStatus.SENDING), "updated_at": clock.iso()}
    update = messages.update_op(provedor_id, message, changes).when(field("status").eq(str(DeliveryStatus.FAILED)))
    try:
        table().transact([update, _timeout_op(provedor_id, message)])
    except (ConditionFailed, TransactionConflict):
        raise Conflict("A mensagem já está sendo reenviada") from None
    message = cast(Message, {**message, **changes})
    return _deliver(target, message, _sender(message, target))


# -- the platform's own messages ----------------------------------------------------------------------------
class SystemSend(NamedTuple):
    """What sending a platform message did: the message as stored after the attempt, and the provider's
    refusal (None when it was sent)."""

    message: Item
    error: ProviderError | None


def send_system_text(provedor_id: int, conversation_id: int, content: str, attributes: dict[str, Any]) -> SystemSend:
    """A text from the platform itself (no sender), stored as an outgoing message of the conversation even
    when it is closed, then sent through its inbox's provider. Raises Conflict when the inbox or the contact
    can't be written to."""
    target = access.system_target(provedor_id, conversation_id)
    now = clock.now()
    message = _new(target, None, new_message_id(now), now, str(MediaType.TEXT), content, attributes)
    _store(target, message, while_closed=True)
    return SystemSend(*_attempt(target, message, _sender(message, target)))


def send_as_assistant(provedor_id: int, conversation_id: int, content: str, author: AssistantRef) -> SystemSend:
    """The AI assistant's text to the customer: stored (the conversation must still be with the AI, `snoozed`)
    and sent like an agent's, signed by the assistant. Raises Conflict when the conversation left the AI
    (taken by a person, closed) or can't be written to."""
    target = access.system_target(provedor_id, conversation_id)
    now = clock.now()
    message = _new(target, author, new_message_id(now), now, str(MediaType.TEXT), content)
    _store(target, message, only_while=Status.SNOOZED)
    return SystemSend(*_attempt(target, message, _sender(message, target)))


def resend_system(provedor_id: int, message: Message) -> SystemSend:
    """Send a platform message again (it must be `failed`, or `sending` after a send that died)."""
    target = access.system_target(provedor_id, int(message["conversation"]))
    if message.get("status") not in (DeliveryStatus.FAILED, DeliveryStatus.SENDING):
        return SystemSend(dict(message), None)
    changes = {"status": str(DeliveryStatus.SENDING), "updated_at": clock.iso()}
    update = messages.update_op(provedor_id, message, changes).when(field("status").eq(str(message["status"])))
    try:
        table().transact([update, _timeout_op(provedor_id, message)])
    except ConditionFailed:
        return SystemSend(dict(access.current(provedor_id, message)), None)  # sent meanwhile (the echo)
    current = cast(Message, {**message, **changes})
    return SystemSend(*_attempt(target, current, _sender(current, target)))
