"""A customer's answer to a sent survey, from WhatsApp (a message that is a rating) or from the CSAT webhook.

One transaction per answer: the feedback, the request `answered` (conditional on `sent`), the contact's
pointer, the counters, the thank-you timer (and, from WhatsApp, the message itself with its provider-id
claim, so a delivery seen twice is one answer). The conversation is not reopened.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from aws_lambda_powertools import Logger

from niochat import clock
from niochat.domain import csat
from niochat.domain.csat import CsatRequest, Feedback, Rating, RequestStatus
from niochat.domain.cycles import NOTHING
from niochat.domain.messages import Message, new_message_id
from niochat.errors import Conflict, NotFound
from niochat.messages.views import last_message
from niochat.store import conversations as conversation_store
from niochat.store import csat as store
from niochat.store import due, messages
from niochat.store.contacts import contacts
from niochat.store.table import table
from niochat.store.writes import ConditionFailed, Operation
from niochat.timers.kinds import CSAT_EXPIRE, CSAT_THANKS

logger = Logger(child=True)
NOTHING_TO_ANSWER = "Não há pesquisa de satisfação aguardando resposta nesta conversa"
ALREADY_ANSWERED = "Esta pesquisa de satisfação já foi respondida"


def awaiting(provedor_id: int, contact_id: int) -> CsatRequest | None:
    """The contact's latest request while it is `sent` and not past its expiry (None otherwise)."""
    pointer = store.pointer(provedor_id, contact_id)
    if pointer is None or pointer.get("status") != RequestStatus.SENT:
        return None
    request = store.get_request(provedor_id, int(pointer["request_id"]))
    if request is None or request["status"] != RequestStatus.SENT:
        return None
    if request.get("expires_at") and clock.now() >= clock.epoch(str(request["expires_at"])):
        return None
    return request


def _answer_ops(
    provedor_id: int,
    request: Mapping[str, Any],
    rating: Rating,
    original: str,
    channel: str,
    message_id: int | None = None,
) -> tuple[Feedback, list[Operation]]:
    now = clock.now()
    contact: Mapping[str, Any] = contacts.get(provedor_id, int(request["contact_id"])) or {}
    feedback = csat.new_feedback(new_message_id(now), request, contact, rating, original, channel, clock.iso(now))
    if message_id is not None:
        feedback["message_id"] = message_id
    answered = str(RequestStatus.ANSWERED)
    amounts = store.transition_counts(request, answered)
    amounts.update(store.feedback_counts(feedback))
    changes = {"answered_at": feedback["feedback_sent_at"], "feedback_id": feedback["id"], "updated_at": clock.iso()}
    ref, args = str(request["id"]), {"request_id": request["id"]}
    return feedback, [
        store.transition_op(provedor_id, request, answered, changes),
        store.put_feedback_op(provedor_id, feedback),
        store.counters_op(provedor_id, amounts),
        store.pointer_status_op(provedor_id, request, answered),
        due.schedule_op(provedor_id, CSAT_THANKS, ref, now, args),
        due.cancel_op(provedor_id, CSAT_EXPIRE, ref),
    ]


# -- from WhatsApp -----------------------------------------------------------------------------------------
class WhatsAppAnswer(NamedTuple):
    message: Message
    feedback: Feedback | None  # None: the delivery was stored before (a duplicate)


def from_whatsapp(
    provedor_id: int, inbox_id: int, contact_id: int, active_conversation: int | None, message: Message, rating: Rating
) -> WhatsAppAnswer | None:
    """Store `message` (built for the contact, any conversation) as the answer to the contact's sent survey,
    in the surveyed conversation; None when it is no answer: nothing awaits one, the survey went out on
    another inbox, or the customer is talking in another conversation now."""
    request = awaiting(provedor_id, contact_id)
    if request is None or int(request["inbox_id"]) != inbox_id:
        return None
    conversation_id = int(request["conversation_id"])
    if active_conversation is not None and active_conversation != conversation_id:
        return None
    message = {**message, "conversation": conversation_id}
    external_id = str(message.get("external_id") or "")
    for _ in range(3):
        feedback, operations = _answer_ops(
            provedor_id, request, rating, message["content"], str(request["channel_type"]), int(message["id"])
        )
        operations += [
            messages.put_op(provedor_id, message),
            messages.external_put_op(provedor_id, inbox_id, external_id, message),
            conversation_store.message_added_op(
                provedor_id, conversation_id, last_message(message), message["created_at"], False, NOTHING
            ),  # an answer in the closed conversation: it waits for no reply (niochat.domain.cycles)
        ]
        try:
            table().transact(operations)
        except ConditionFailed as failed:
            if failed.on("external_id"):
                return WhatsAppAnswer(message, None)
            if failed.on("message"):  # two messages drew the same id in one millisecond
                message = {**message, "id": new_message_id(clock.now())}
                continue
            return None  # answered, expired or superseded meanwhile: a normal message after all
        logger.info("CSAT answered", extra={"request_id": request["id"], "rating": rating.value, "channel": "whatsapp"})
        return WhatsAppAnswer(message, feedback)
    raise RuntimeError("storing a CSAT answer kept drawing taken message ids")


# -- from the CSAT webhook ---------------------------------------------------------------------------------
class WebhookAnswer(NamedTuple):
    feedback: Feedback
    created: bool  # False: the same answer was recorded before


def _same(feedback: Mapping[str, Any], rating: Rating) -> bool:
    return (
        feedback.get("channel_type") == csat.WEBHOOK_CHANNEL
        and int(feedback["rating_value"]) == rating.value
        and str(feedback.get("feedback") or "") == rating.comment
    )


def from_webhook(provedor_id: int, conversation_id: int, rating: Rating) -> WebhookAnswer:
    """Record an answer that came from outside WhatsApp; the same answer again is recorded once."""
    conversation = conversation_store.conversations.get(provedor_id, conversation_id, consistent=True)
    if conversation is None:
        raise NotFound("Conversa não encontrada")
    original = f"{rating.value} {rating.comment}".strip()
    for _ in range(3):
        pointer = store.pointer(provedor_id, int(conversation["contact_id"]))
        request = store.get_request(provedor_id, int(pointer["request_id"])) if pointer else None
        if request is None or int(request["conversation_id"]) != conversation_id:
            raise Conflict(NOTHING_TO_ANSWER)
        if request["status"] == RequestStatus.ANSWERED:
            earlier = store.get_feedback(provedor_id, int(request.get("feedback_id") or 0))
            if earlier is not None and _same(earlier, rating):
                return WebhookAnswer(earlier, False)
            raise Conflict(ALREADY_ANSWERED)
        if request["status"] != RequestStatus.SENT or (
            request.get("expires_at") and clock.now() >= clock.epoch(str(request["expires_at"]))
        ):
            raise Conflict(NOTHING_TO_ANSWER)
        feedback, operations = _answer_ops(provedor_id, request, rating, original, csat.WEBHOOK_CHANNEL)
        try:
            table().transact(operations)
        except ConditionFailed:
            continue  # answered or superseded meanwhile: look again
        logger.info("CSAT answered", extra={"request_id": request["id"], "rating": rating.value, "channel": "webhook"})
        return WebhookAnswer(feedback, True)
    raise Conflict(NOTHING_TO_ANSWER)
