"""A CSAT request's life: made by a close (the stream's csat listener), sent by the timers, expired by them,
cancelled by a new care cycle of the contact before the send.

    pending ──send──▶ sending ──▶ sent ──answer──▶ answered
       │  ▲              │          └──expiry──▶ expired
       │  └──retry───────┤ (a refused attempt, up to MAX_SEND_ATTEMPTS)
       │                 └──────▶ failed
       └──reopen / new conversation──▶ cancelled

Every move is one transaction, conditional on the status it was read in: the request, its counters, the
contact's pointer while it names the request, and the timer of the next step. A request is made once per
close (its cycle claim), so a close the stream delivers twice is surveyed once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from aws_lambda_powertools import Logger

from niochat import clock
from niochat.csat.settings import effective
from niochat.domain import csat
from niochat.domain.csat import CsatRequest, RequestStatus
from niochat.domain.messages import DeliveryStatus, Message, new_message_id
from niochat.errors import ApiError
from niochat.store import csat as store
from niochat.store import due, keys, messages
from niochat.store.contacts import contacts
from niochat.store.conversations import conversations
from niochat.store.inboxes import inboxes
from niochat.store.table import table
from niochat.store.writes import ConditionFailed, Operation, TransactionConflict
from niochat.timers.kinds import CSAT_EXPIRE, CSAT_SEND

logger = Logger(child=True)
MOVE_ATTEMPTS = 4
REOPENED = "A conversa foi reaberta antes do envio da pesquisa"
NEW_CYCLE = "O cliente iniciou um novo atendimento antes do envio da pesquisa"


# -- moves ---------------------------------------------------------------------------------------------------
def move(
    provedor_id: int,
    request: Mapping[str, Any],
    status: RequestStatus,
    changes: Mapping[str, Any],
    extra: list[Operation] | None = None,
    counts: Mapping[str, int] | None = None,
) -> CsatRequest | None:
    """Move `request` (as read) to `status` with `changes`; the request after, or None when it had moved on."""
    now = clock.iso()
    changes = {**changes, "updated_at": now}
    amounts = store.transition_counts(request, str(status))
    amounts.update(counts or {})
    for _ in range(MOVE_ATTEMPTS):
        pointer = store.pointer(provedor_id, int(request["contact_id"]))
        operations = [
            store.transition_op(provedor_id, request, str(status), changes),
            store.counters_op(provedor_id, amounts),
            *(extra or []),
        ]
        if pointer is not None and int(pointer["request_id"]) == int(request["id"]):
            operations.append(store.pointer_status_op(provedor_id, request, str(status)))
        try:
            table().transact(operations)
        except ConditionFailed as failed:
            if failed.on("request"):
                return None
            if failed.on("pointer"):
                continue  # a newer request took the pointer meanwhile: move without it
            raise
        except TransactionConflict:
            continue
        return cast(CsatRequest, {**request, **changes, "status": str(status)})
    raise RuntimeError(f"the CSAT request {request['id']} kept conflicting")


def cancel(provedor_id: int, request: Mapping[str, Any], reason: str) -> CsatRequest | None:
    moved = move(
        provedor_id,
        request,
        RequestStatus.CANCELLED,
        {"cancelled_at": clock.iso(), "error": reason},
        [due.cancel_op(provedor_id, CSAT_SEND, str(request["id"]))],
    )
    if moved is not None:
        logger.info("CSAT request cancelled", extra={"request_id": request["id"], "reason": reason})
    return moved


# -- made by a close, cancelled by a new cycle ------------------------------------------------------------
def on_close(conversation: Mapping[str, Any]) -> CsatRequest | None:
    """The request a close makes (None: not surveyed, or made before for this close)."""
    provedor_id = int(conversation["provedor_id"])
    closed_at = conversation.get("closed_at")
    if not closed_at or not csat.surveyed(conversation):
        return None
    inbox_key = inboxes.key(provedor_id, int(conversation["inbox_id"]))
    contact_key = contacts.key(provedor_id, int(conversation["contact_id"]))
    settings_key = store.settings_key(provedor_id)
    found = {(i["PK"], i["SK"]): i for i in table().batch_get([inbox_key, contact_key, settings_key])}
    inbox, contact = found.get(inbox_key), found.get(contact_key)
    settings = effective(found.get(settings_key), int(conversation["inbox_id"]))
    if not settings.enabled or inbox is None or contact is None:
        return None
    if (contact.get("additional_attributes") or {}).get("is_group"):
        return None
    send_at = max(clock.epoch(str(closed_at)) + settings.delay_minutes * 60, clock.now())
    request = csat.new_request(
        new_message_id(clock.now()),
        conversation,
        contact_name=str(contact.get("name") or ""),
        channel_type=str(inbox.get("channel_type") or "whatsapp"),
        send_at=clock.iso(send_at),
        now=clock.iso(),
    )
    args = {"request_id": request["id"]}
    operations = [
        store.cycle_op(provedor_id, int(conversation["id"]), int(conversation["version"]), int(request["id"])),
        store.put_request_op(provedor_id, request),
        store.pointer_op(provedor_id, request, str(RequestStatus.PENDING)),
        due.schedule_op(provedor_id, CSAT_SEND, str(request["id"]), send_at, args),
        store.counters_op(provedor_id, store.request_counts(request, str(RequestStatus.PENDING), 1)),
    ]
    try:
        table().transact(operations)
    except ConditionFailed as failed:
        if failed.on("cycle"):
            return None  # this close was surveyed already (the stream delivered it again)
        raise
    logger.info("CSAT request made", extra={"request_id": request["id"], "conversation_id": conversation["id"]})
    return request


def on_new_cycle(provedor_id: int, contact_id: int, reopened: bool) -> CsatRequest | None:
    """The contact started a new care cycle (reopened, or a new conversation): its pending request is
    cancelled (the customer is talking to us again; a survey now would be about the wrong service)."""
    pointer = store.pointer(provedor_id, contact_id)
    if pointer is None or pointer.get("status") != RequestStatus.PENDING:
        return None  # `sending`: the survey is on its way already; what the customer gets is what we record
    request = store.get_request(provedor_id, int(pointer["request_id"]))
    if request is None or request["status"] != RequestStatus.PENDING:
        return None
    return cancel(provedor_id, request, REOPENED if reopened else NEW_CYCLE)


# -- sending (the csat_send timer) -----------------------------------------------------------------------
def survey_text(provedor_id: int, request: Mapping[str, Any]) -> str:
    found = {
        (i["PK"], i["SK"]): i for i in table().batch_get([store.settings_key(provedor_id), keys.provedor(provedor_id)])
    }
    settings = effective(found.get(store.settings_key(provedor_id)), int(request["inbox_id"]))
    provedor = found.get(keys.provedor(provedor_id)) or {}
    return csat.survey_text(
        settings.survey_text, str(request.get("contact_name") or ""), str(provedor.get("nome") or "")
    )


def _still_due(provedor_id: int, request: Mapping[str, Any]) -> str | None:
    """Why the request must not be sent any more (None: it must)."""
    conversation = conversations.get(provedor_id, int(request["conversation_id"]), consistent=True)
    if conversation is None or conversation.get("status") != "closed":
        return REOPENED
    if str(conversation.get("closed_at")) != str(request["conversation_ended_at"]):
        return REOPENED  # reopened and closed again: that close has its own request
    pointer = store.pointer(provedor_id, int(request["contact_id"]))
    if pointer is not None and int(pointer["request_id"]) != int(request["id"]):
        return NEW_CYCLE
    return None


def send(provedor_id: int, request_id: int) -> None:
    """Send the survey (safe to run twice: a request already sent, or moved on, is left alone)."""
    request = store.get_request(provedor_id, request_id)
    if request is None or request["status"] not in csat.UNSENT:
        return
    reason = _still_due(provedor_id, request)
    if reason is not None:
        cancel(provedor_id, request, reason)
        return
    attempts = int(request.get("attempts") or 0) + 1
    sending = move(provedor_id, request, RequestStatus.SENDING, {"attempts": attempts})
    if sending is None:
        return
    from niochat.messages import outbound

    try:
        previous = _survey_message(provedor_id, sending)
        if previous is None:
            attributes = {"csat": "survey", "csat_request_id": request_id}
            sent = outbound.send_system_text(
                provedor_id, int(request["conversation_id"]), survey_text(provedor_id, sending), attributes
            )
        else:
            sent = outbound.resend_system(provedor_id, previous)
    except ApiError as refused:  # the inbox or the contact can't be written to (a Conflict)
        _attempt_failed(provedor_id, sending, attempts, refused.message, None)
        return
    message = sent.message
    if sent.error is None and message.get("status") != DeliveryStatus.FAILED:
        _sent(provedor_id, sending, int(message["id"]))
    else:
        reason = sent.error.message if sent.error is not None else "O WhatsApp não aceitou a mensagem"
        _attempt_failed(provedor_id, sending, attempts, reason, int(message["id"]))


def _survey_message(provedor_id: int, request: Mapping[str, Any]) -> Message | None:
    if not request.get("message_id"):
        return None
    return messages.read(provedor_id, int(request["conversation_id"]), int(request["message_id"]))


def _sent(provedor_id: int, request: Mapping[str, Any], message_id: int) -> None:
    settings = effective(store.read_settings(provedor_id), int(request["inbox_id"]))
    now = clock.now()
    expires = now + settings.expiry_minutes * 60
    changes = {"sent_at": clock.iso(now), "expires_at": clock.iso(expires), "message_id": message_id, "error": None}
    timer = due.schedule_op(provedor_id, CSAT_EXPIRE, str(request["id"]), expires, {"request_id": request["id"]})
    move(provedor_id, request, RequestStatus.SENT, changes, [timer])


def _attempt_failed(
    provedor_id: int, request: Mapping[str, Any], attempts: int, reason: str, message_id: int | None
) -> None:
    changes: dict[str, Any] = {"error": reason[:500]}
    if message_id is not None:
        changes["message_id"] = message_id
    if attempts >= csat.MAX_SEND_ATTEMPTS:
        move(provedor_id, request, RequestStatus.FAILED, {**changes, "failed_at": clock.iso()})
        logger.warning("CSAT survey failed for the last time", extra={"request_id": request["id"], "reason": reason})
        return
    wait = csat.SEND_RETRY_SECONDS[min(attempts, len(csat.SEND_RETRY_SECONDS)) - 1]
    at = clock.now() + wait
    timer = due.schedule_op(provedor_id, CSAT_SEND, str(request["id"]), at, {"request_id": request["id"]})
    move(provedor_id, request, RequestStatus.PENDING, {**changes, "scheduled_send_at": clock.iso(at)}, [timer])


# -- expiry (the csat_expire timer) ----------------------------------------------------------------------
def expire(provedor_id: int, request_id: int) -> None:
    request = store.get_request(provedor_id, request_id)
    if request is None or request["status"] != RequestStatus.SENT or not request.get("expires_at"):
        return
    expires = clock.epoch(str(request["expires_at"]))
    if clock.now() < expires:  # the timer ran early (a clock moved back): look again then
        due_again = due.schedule_op(provedor_id, CSAT_EXPIRE, str(request_id), expires, {"request_id": request_id})
        table().write(due_again)
        return
    move(provedor_id, request, RequestStatus.EXPIRED, {"expired_at": clock.iso()})


# -- the thank-you (the csat_thanks timer) ----------------------------------------------------------------
def thank(provedor_id: int, request_id: int) -> None:
    """Send the thank-you text once the request is answered; raising lets the sweep try again."""
    request = store.get_request(provedor_id, request_id)
    if request is None or request["status"] != RequestStatus.ANSWERED or request.get("thanks_message_id"):
        return
    from niochat.messages import outbound

    settings = effective(store.read_settings(provedor_id), int(request["inbox_id"]))
    attributes = {"csat": "thanks", "csat_request_id": request_id}
    sent = outbound.send_system_text(provedor_id, int(request["conversation_id"]), settings.thanks_text, attributes)
    op = store.request_update_op(provedor_id, request_id, {"thanks_message_id": int(sent.message["id"])})
    table().write(op)
    if sent.error is not None:
        logger.warning("the CSAT thank-you was refused", extra={"request_id": request_id, "reason": sent.error.message})
