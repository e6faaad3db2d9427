"""A recovery attempt, run by the timers when a lead's timer is due: checked again (still a lead, the customer
still quiet, the attempt due, inside opening hours), claimed (attempt n once, however often the timer runs), sent
through the outbound path and recorded; then the next attempt is scheduled, or, after the last one, the check
that ends the lead `no_response` when no answer came within 48 h.

The timer is not trusted to say the attempt is due: a sweep that died after the claim runs it again after its
lease, and the stream may not have handled a customer message yet (the conversation's last message shows it
first). When the attempt is not due, the timer is scheduled again for when it is."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple

from aws_lambda_powertools import Logger

from niochat import clock
from niochat.domain import recovery
from niochat.domain.conversations import Status
from niochat.domain.messages import new_message_id
from niochat.errors import ApiError
from niochat.messages import outbound
from niochat.recovery import leads
from niochat.store import calendars, due, provedores
from niochat.store import recovery as store
from niochat.store.conversations import conversations
from niochat.store.table import Item, table
from niochat.store.writes import Check, ConditionFailed, Operation, Update, field
from niochat.timers.kinds import RECOVERY_ATTEMPT

logger = Logger(child=True)
# A due time is stored to the microsecond and read back through an ISO string: what a run at that time may
# see of "not yet".
SLACK_SECONDS = 1.0
# The customer answered an attempt and the stream has not recovered the lead yet: look again this much later.
RECHECK_SECONDS = 60.0


def run(provedor_id: int, conversation_id: int) -> str:
    """What the timer did (for the log)."""
    lead = store.lead(provedor_id, conversation_id)
    if lead is None or lead["status"] not in recovery.LIVE:
        return "no live lead"
    conversation = conversations.get(provedor_id, conversation_id, consistent=True)
    if conversation is None or conversation["status"] == Status.CLOSED or conversation.get("assignee_id"):
        leads.finish(provedor_id, lead, recovery.STOPPED, "conversa encerrada ou assumida")
        return "stopped"
    settings = recovery.RecoverySettings.of(store.read_settings(provedor_id))
    if not settings.enabled:
        leads.finish(provedor_id, lead, recovery.STOPPED, "recuperação desativada")
        return "recovery off"
    now = clock.now()
    due_at = _due_at(lead, conversation, settings, now)
    if due_at > now + SLACK_SECONDS:
        _schedule(provedor_id, conversation_id, due_at)
        return "not due yet"
    attempts = int(lead.get("attempts") or 0)
    if attempts >= settings.max_attempts:
        leads.finish(provedor_id, lead, recovery.NO_RESPONSE, f"sem resposta após {attempts} tentativa(s)")
        return "no response"
    if settings.quiet_hours:
        opens = calendars.calendar(provedor_id).next_open(datetime.fromtimestamp(now, UTC)).timestamp()
        if opens > now:
            _schedule(provedor_id, conversation_id, opens)
            return "waiting for opening hours"
    return _attempt(provedor_id, lead, attempts + 1, settings, now)


def _due_at(lead: Item, conversation: Mapping[str, Any], settings: recovery.RecoverySettings, now: float) -> float:
    """When the lead's next step is due: `delay_minutes` after the customer's last message (watching), or
    `recovery_interval` after the last attempt (48 h after the last one)."""
    last = conversation.get("last_message") or {}
    written = last.get("created_at") if last.get("is_from_customer") else None
    customer_at = clock.epoch(str(written)) if written else None
    if lead["status"] == recovery.WATCHING:
        quiet_since = max(clock.epoch(str(lead["last_customer_at"])), customer_at or 0.0)
        return quiet_since + settings.delay_minutes * 60
    attempted = clock.epoch(str(lead["last_attempt_at"]))
    if customer_at is not None and customer_at >= attempted:
        return now + RECHECK_SECONDS  # answered: the stream recovers or stops the lead (and cancels the timer)
    if int(lead.get("attempts") or 0) < settings.max_attempts:
        return attempted + settings.recovery_interval * 60
    return attempted + recovery.RECOVERED_WITHIN_SECONDS


def _schedule(provedor_id: int, conversation_id: int, at: float) -> None:
    args = {"conversation_id": conversation_id}
    table().transact([due.schedule_op(provedor_id, RECOVERY_ATTEMPT, str(conversation_id), at, args)])


def _text(provedor_id: int, lead: Item, settings: recovery.RecoverySettings) -> str:
    provedor = provedores.get(provedor_id)
    name = str(provedor["nome"]) if provedor else ""
    template = recovery.attempt_text(settings, str(lead.get("contact_name") or ""), name)
    if not settings.use_ai:
        return template
    from niochat.assistant import writer

    return writer.short_message(provedor_id, template, recovery.AI_MAX_CHARS) or template


def _previous(provedor_id: int, lead: Item) -> tuple[list[Operation], int]:
    """What a new attempt ends of the previous one, and how much `pending` moves: a sent one got no answer; one
    still `pending` was never recorded (its sweep died while sending it). A failed one stays failed."""
    if not lead.get("last_attempt_id"):
        return [], 0
    previous = store.attempt(provedor_id, int(lead["last_attempt_id"]))
    if previous is None or previous["status"] not in (recovery.SENT, recovery.PENDING):
        return [], 0
    update = store.attempt_update(provedor_id, int(previous["id"]), "previous_attempt")
    update.when(field("status").eq(previous["status"]))
    if previous["status"] == recovery.SENT:
        return [update.set("status", recovery.NO_RESPONSE)], -1
    return [update.set("status", recovery.FAILED).set("error", "o envio foi interrompido")], 0


def _attempt(provedor_id: int, lead: Item, number: int, settings: recovery.RecoverySettings, now: float) -> str:
    conversation_id = int(lead["conversation_id"])
    attempt_id = new_message_id(now)
    text = _text(provedor_id, lead, settings)
    attempt = {"id": attempt_id, "conversation_id": conversation_id, "attempt_number": number,
               "status": recovery.PENDING, "message_sent": text, "sent_at": None,
               "reason": f"interesse em '{lead.get('keyword') or 'planos'}' sem resposta",
               "contact_name": lead.get("contact_name") or "", "phone": lead.get("phone") or ""}  # fmt: skip
    claim = store.lead_update(provedor_id, conversation_id).set("status", recovery.ATTEMPTING)
    claim.set("attempts", number).set("last_attempt_id", attempt_id).set("last_attempt_at", clock.iso(now))
    claim.when(field("status").eq(lead["status"]), field("attempts").eq(number - 1))
    if lead["status"] == recovery.WATCHING:  # a customer message meanwhile moves the lead's quiet time
        claim.when(field("last_customer_at").eq(lead["last_customer_at"]))
    previous, pending = _previous(provedor_id, lead)
    amounts = {"attempts": 1, "leads_attempted": 1 if number == 1 else 0, "pending": pending}
    operations: list[Operation] = [claim, store.put_attempt_op(provedor_id, attempt), *previous]
    operations.append(store.counters_op(provedor_id, {k: v for k, v in amounts.items() if v}))
    try:
        table().transact(operations)
    except ConditionFailed:
        return "the lead moved on"  # attempted by another run, or the customer wrote, meanwhile
    outcome = _send(provedor_id, conversation_id, text, number)
    follow_up = now + (settings.recovery_interval * 60 if number < settings.max_attempts
                       else recovery.RECOVERED_WITHIN_SECONDS)  # fmt: skip
    return _record(provedor_id, conversation_id, attempt_id, number, outcome, follow_up)


class Outcome(NamedTuple):
    status: str  # sent | failed
    error: str | None
    message_id: int | None  # the platform message it was stored as


def _recorded(provedor_id: int, attempt_id: int, outcome: Outcome, status: str, expected: str) -> Update:
    record = store.attempt_update(provedor_id, attempt_id).set("status", status)
    if outcome.status == recovery.SENT:
        record.set("sent_at", clock.iso())
    if outcome.message_id is not None:
        record.set("message_id", outcome.message_id)
    if outcome.error:
        record.set("error", outcome.error)
    return record.when(field("status").eq(expected))


def _record(
    provedor_id: int, conversation_id: int, attempt_id: int, number: int, outcome: Outcome, follow_up: float
) -> str:
    """The attempt as sent or failed, and the next step scheduled, while the lead still waits on it."""
    waiting = Check("lead", *store.lead_key(provedor_id, conversation_id))
    waiting.when(field("status").eq(recovery.ATTEMPTING), field("last_attempt_id").eq(attempt_id))
    next_step = due.schedule_op(provedor_id, RECOVERY_ATTEMPT, str(conversation_id), follow_up,
                                {"conversation_id": conversation_id})  # fmt: skip
    operations: list[Operation] = [
        _recorded(provedor_id, attempt_id, outcome, outcome.status, recovery.PENDING),
        waiting,
        next_step,
    ]
    if outcome.status == recovery.SENT:
        operations.append(store.counters_op(provedor_id, {"pending": 1}))
    try:
        table().transact(operations)
    except ConditionFailed as failed:
        if failed.on("attempt"):  # the customer answered while it was being sent: the lead is recovered with it
            with contextlib.suppress(ConditionFailed):
                table().write(_recorded(provedor_id, attempt_id, outcome, recovery.RECOVERED, recovery.RECOVERED))
            return f"attempt {number} answered while sending"
        # The lead ended while the attempt was being sent (taken, closed, answered): nothing waits for an answer.
        final = recovery.NO_RESPONSE if outcome.status == recovery.SENT else recovery.FAILED
        with contextlib.suppress(ConditionFailed):
            table().write(_recorded(provedor_id, attempt_id, outcome, final, recovery.PENDING))
        return f"attempt {number} {outcome.status}; the lead ended meanwhile"
    return f"attempt {number} {outcome.status}"


def _send(provedor_id: int, conversation_id: int, text: str, number: int) -> Outcome:
    try:
        sent = outbound.send_system_text(provedor_id, conversation_id, text, {"recovery": {"attempt": number}})
    except ApiError as refused:
        return Outcome(recovery.FAILED, refused.message, None)
    if sent.error is not None:
        return Outcome(recovery.FAILED, sent.error.message, int(sent.message["id"]))
    return Outcome(recovery.SENT, None, int(sent.message["id"]))
