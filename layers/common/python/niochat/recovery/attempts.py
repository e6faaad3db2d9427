"""A recovery attempt, run by the timers when a lead's timer is due: checked again (still a lead, still quiet,
inside opening hours), claimed (attempt n once, however often the timer runs), sent through the outbound path
and recorded; then the next attempt is scheduled, or, after the last one, the check that ends the lead
`no_response` when no answer came within 48 h."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

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
from niochat.store.writes import ConditionFailed, field
from niochat.timers.kinds import RECOVERY_ATTEMPT

logger = Logger(child=True)


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
        return "recovery off"
    attempts = int(lead.get("attempts") or 0)
    if attempts >= settings.max_attempts:
        leads.finish(provedor_id, lead, recovery.NO_RESPONSE, f"sem resposta após {attempts} tentativa(s)")
        return "no response"
    now = clock.now()
    if settings.quiet_hours:
        opens = calendars.calendar(provedor_id).next_open(datetime.fromtimestamp(now, UTC)).timestamp()
        if opens > now + 60:
            args = {"conversation_id": conversation_id}
            table().transact([due.schedule_op(provedor_id, RECOVERY_ATTEMPT, str(conversation_id), opens, args)])
            return "waiting for opening hours"
    return _attempt(provedor_id, lead, attempts + 1, settings, now)


def _text(provedor_id: int, lead: Item, settings: recovery.RecoverySettings) -> str:
    provedor = provedores.get(provedor_id)
    name = str(provedor["nome"]) if provedor else ""
    template = recovery.attempt_text(settings, str(lead.get("contact_name") or ""), name)
    if not settings.use_ai:
        return template
    from niochat.assistant import writer

    return writer.short_message(provedor_id, template, recovery.AI_MAX_CHARS) or template


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
    operations: list[Any] = [claim, store.put_attempt_op(provedor_id, attempt)]
    amounts = {"attempts": 1, "leads_attempted": 1 if number == 1 else 0}
    if lead.get("last_attempt_id"):  # the previous attempt got no answer
        previous = store.attempt_update(provedor_id, int(lead["last_attempt_id"]), "previous_attempt")
        previous.set("status", recovery.NO_RESPONSE)
        operations.append(previous.when(field("status").eq(recovery.SENT)))
        amounts["pending"] = -1
    operations.append(store.counters_op(provedor_id, {k: v for k, v in amounts.items() if v}))
    try:
        table().transact(operations)
    except ConditionFailed:
        return "already attempted"
    status, error = _send(provedor_id, conversation_id, text, number)
    record = store.attempt_update(provedor_id, attempt_id).set("status", status).set("sent_at", clock.iso())
    if error:
        record.set("error", error)
    follow_up = now + (settings.recovery_interval * 60 if number < settings.max_attempts
                       else recovery.RECOVERED_WITHIN_SECONDS)  # fmt: skip
    operations = [record.when(field("status").eq(recovery.PENDING)),
                  due.schedule_op(provedor_id, RECOVERY_ATTEMPT, str(conversation_id), follow_up,
                                  {"conversation_id": conversation_id})]  # fmt: skip
    if status == recovery.SENT:
        operations.append(store.counters_op(provedor_id, {"pending": 1}))
    table().transact(operations)
    return f"attempt {number} {status}"


def _send(provedor_id: int, conversation_id: int, text: str, number: int) -> tuple[str, str | None]:
    try:
        sent = outbound.send_system_text(provedor_id, conversation_id, text, {"recovery": {"attempt": number}})
    except ApiError as refused:
        return recovery.FAILED, refused.message
    if sent.error is not None:
        return recovery.FAILED, sent.error.message
    return recovery.SENT, None
