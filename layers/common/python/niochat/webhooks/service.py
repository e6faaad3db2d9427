"""A provider's webhook delivery, end to end: read the body, authenticate it to an inbox, parse it into an
event, act on it. Every authenticated delivery is answered 200 with `{"status": "stored" | "duplicate" |
"ignored", ...}` (providers retry anything else); a body that isn't JSON is a 400, a missing or wrong proof a
401 with nothing stored. A failure of our own (e.g. DynamoDB) propagates as a 500 so the provider retries:
every write here is idempotent. Each outcome (stored, duplicate, ignored, refused) is counted here, where it is
decided (niochat.metrics.WEBHOOK_DELIVERIES).

DynamoDB calls for a text message from a known contact with an active conversation: the inbox lookup
(`find_for_webhook`), one GetItem of the phone's index item (contact and active conversation), one
TransactWriteItems.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from niochat import metrics
from niochat.domain.csat import parse_rating
from niochat.domain.inboxes import Inbox
from niochat.domain.messages import MediaType
from niochat.domain.messages import Message as StoredMessage
from niochat.errors import ApiError
from niochat.store import messages
from niochat.store.table import Item
from niochat.webhooks import echo, ingest, media, threads, updates
from niochat.webhooks.auth import authenticate
from niochat.webhooks.events import (
    FILE_KINDS,
    Connection,
    Delete,
    Edit,
    Ignored,
    InboundEvent,
    Message,
    Reaction,
    Receipt,
)
from niochat.webhooks.parse import Delivery, identify, parse

logger = Logger(child=True)
RELOCATE_ATTEMPTS = 3


def handle(payload: dict[str, Any], secret: str | None, header_token: str | None = None) -> dict[str, Any]:
    """One delivery: `payload` is the body as read by niochat.http.request.json_object."""
    delivery = identify(payload)
    try:
        inbox = authenticate(secret, delivery, header_token)
    except ApiError:  # 401 (no or a wrong proof) or 403 (suspended provedor): nothing stored
        metrics.count(metrics.WEBHOOK_DELIVERIES, outcome="refused")
        raise
    provedor_id, inbox_id = int(inbox["provedor_id"]), int(inbox["id"])
    event = parse(payload, delivery)
    result = dispatch(provedor_id, inbox, event, payload, delivery)
    metrics.count(metrics.WEBHOOK_DELIVERIES, outcome=_outcome(result))
    if result.get("status") == "stored" and _lid_only(event):
        metrics.count(metrics.LID_ONLY_MESSAGES)
    logger.info(
        "webhook delivery",
        extra={"provedor_id": provedor_id, "inbox_id": inbox_id, "provider": delivery.provider, **_loggable(result)},
    )
    return result


def _outcome(result: dict[str, Any]) -> str:
    """The delivery's outcome as the metric counts it: stored, duplicate or ignored (anything else: ignored)."""
    status = result.get("status")
    return status if status in ("stored", "duplicate") else "ignored"


def _lid_only(event: InboundEvent) -> bool:
    """Whether the event comes from a person's chat WhatsApp names only by a LID (no number in the delivery)."""
    chat = getattr(event, "chat", None)
    return chat is not None and not chat.is_group and chat.phone is None and chat.lid is not None


def _loggable(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k in ("status", "event", "reason", "message_id", "conversation_id")}


def dispatch(provedor_id: int, inbox: Inbox, event: InboundEvent, payload: dict[str, Any], delivery: Delivery) -> dict:
    inbox_id = int(inbox["id"])
    groups_on = bool((inbox.get("settings") or {}).get("group_messages"))
    chat = getattr(event, "chat", None)
    if chat is not None and chat.is_group and not groups_on:
        return {"status": "ignored", "reason": "group messages are off for this inbox"}
    if isinstance(event, Message):
        return _message(provedor_id, inbox, event, payload, delivery.provider)
    if isinstance(event, Reaction):
        return updates.react(provedor_id, inbox_id, event)
    if isinstance(event, Edit):
        return updates.edit(provedor_id, inbox_id, event)
    if isinstance(event, Delete):
        return updates.delete(provedor_id, inbox_id, event)
    if isinstance(event, Receipt):
        return updates.receipt(provedor_id, inbox_id, event)
    if isinstance(event, Connection):
        return updates.connection(provedor_id, inbox_id, event)
    reason = event.reason if isinstance(event, Ignored) else "unhandled event"
    return {"status": "ignored", "reason": reason}


def _message(provedor_id: int, inbox: Inbox, event: Message, payload: dict[str, Any], provider: str) -> dict:
    inbox_id = int(inbox["id"])
    located = threads.locate(provedor_id, inbox_id, event.chat)
    if event.from_me:
        pointer = echo.known(provedor_id, inbox_id, event)
        if pointer is not None:
            return echo.result(pointer, "duplicate")
        ours_in = located[1] if located[1] is not None else _platform_thread(provedor_id, located[0])
        if ours_in is not None:
            ours = echo.pending_match(provedor_id, ours_in, event)
            if ours is not None and echo.attach(provedor_id, inbox_id, event, ours):
                return echo.result(ours, "stored")
    else:
        answered = _csat_answer(provedor_id, inbox, event, located, provider)
        if answered is not None:
            return answered
        if None in located:
            # About to create a contact or a conversation: a late retry of a message stored before (its
            # conversation closed since) must not open a new, empty one.
            pointer = messages.by_external_id(provedor_id, inbox_id, event.external_id)
            if pointer is not None:
                return _duplicate(pointer)
    for _ in range(RELOCATE_ATTEMPTS):
        thread = threads.open_thread(provedor_id, inbox, event.chat, provider, located)
        message = ingest.build(provedor_id, inbox, thread, event, provider)
        _resolve_reply(provedor_id, inbox_id, message)
        if event.media_type in FILE_KINDS:
            message["media_source"] = media.source_of(payload, inbox_id)
        try:
            stored = ingest.store(provedor_id, inbox, thread, message, avatar=event.chat.avatar)
        except ingest.Relocate:
            located = threads.locate(provedor_id, inbox_id, event.chat)
            continue
        if stored.duplicate:
            return _duplicate(messages.by_external_id(provedor_id, inbox_id, event.external_id) or {})
        answer = {
            "status": "stored",
            "event": "message",
            "message_id": message["id"],
            "conversation_id": thread.conversation_id,
            "contact_id": thread.contact_id,
        }
        if event.media_type in FILE_KINDS:
            changes = media.fetch(provedor_id, inbox, message, payload)
            answer["media_status"] = changes.get("media_status")
        return answer
    raise RuntimeError("the contact's conversation kept closing while storing a message")


def _platform_thread(provedor_id: int, contact_id: int | None) -> int | None:
    """The closed conversation the platform last wrote to for this contact (its CSAT survey and thank-you),
    where the echo of those messages belongs: without it, an echo that outran the provider's answer would
    open a new conversation."""
    if contact_id is None:
        return None
    from niochat.store import csat as csat_store

    pointer = csat_store.pointer(provedor_id, contact_id)
    return int(pointer["conversation_id"]) if pointer is not None else None


def _csat_answer(
    provedor_id: int, inbox: Inbox, event: Message, located: threads.Located, provider: str
) -> dict[str, Any] | None:
    """A customer's text that is a rating, while their survey awaits an answer: the answer (stored in the
    surveyed conversation, which stays closed). None: a normal message. Reads nothing unless the text is
    a rating (niochat.domain.csat.parse_rating)."""
    contact_id, active, index_phone = located
    if contact_id is None or event.media_type != MediaType.TEXT:
        return None
    rating = parse_rating(event.content)
    if rating is None:
        return None
    from niochat.csat import answers

    thread = threads.Thread(contact_id, active or 0, index_phone)
    message = ingest.build(provedor_id, inbox, thread, event, provider)
    answer = answers.from_whatsapp(provedor_id, int(inbox["id"]), contact_id, active, message, rating)
    if answer is None:
        return None
    if answer.feedback is None:
        return _duplicate(messages.by_external_id(provedor_id, int(inbox["id"]), event.external_id) or {})
    return {"status": "stored", "event": "csat_answer", "message_id": answer.message["id"],
            "conversation_id": answer.message["conversation"], "contact_id": contact_id,
            "feedback_id": answer.feedback["id"], "rating": answer.feedback["rating_value"]}  # fmt: skip


def _duplicate(pointer: Item) -> dict[str, Any]:
    return {
        "status": "duplicate",
        "event": "message",
        "message_id": pointer.get("message_id"),
        "conversation_id": pointer.get("conversation_id"),
    }


def _resolve_reply(provedor_id: int, inbox_id: int, message: StoredMessage) -> None:
    """A reply keeps the provider id of the message it quotes, and our id when we have that message."""
    reply = message["additional_attributes"].get("reply_to")
    if not reply:
        return
    pointer = messages.by_external_id(provedor_id, inbox_id, reply["external_id"])
    if pointer is not None:
        reply.update(message_id=pointer["message_id"], conversation_id=pointer["conversation_id"])
