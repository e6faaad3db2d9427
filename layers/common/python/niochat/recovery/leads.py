"""The recovery listener: customer messages make and keep leads (and recover them), an agent taking a
conversation or its close stops them. Idempotent: every write is conditional on the state it moves from, so a
record delivered again changes nothing."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from niochat.domain import recovery
from niochat.domain.calendar import moment
from niochat.domain.conversations import Status
from niochat.reactions.change import Change
from niochat.reactions.pipeline import Batch
from niochat.store import due
from niochat.store import recovery as store
from niochat.store.contacts import contacts
from niochat.store.conversations import conversations
from niochat.store.table import Item, table
from niochat.store.writes import ConditionFailed, Operation, field
from niochat.timers.kinds import RECOVERY_ATTEMPT

# An answer races the attempt being recorded: read the lead and the attempt again this many times.
ANSWER_TRIES = 3


class RecoveryListener:
    name = "recovery"
    kinds = frozenset({"message", "conversation"})

    def prepare(self, batch: Batch) -> None:
        return None

    def handle(self, change: Change, batch: Batch) -> None:
        new, old = change.new, change.old
        if change.provedor_id is None or new is None:
            return
        if change.kind == "message" and change.inserted and new.get("message_type") == "incoming":
            settings = batch.state("recovery_settings", dict)
            if change.provedor_id not in settings:
                settings[change.provedor_id] = recovery.RecoverySettings.of(store.read_settings(change.provedor_id))
            on_customer_message(change.provedor_id, new, settings[change.provedor_id])
        elif change.kind == "conversation" and old is not None and _taken_or_closed(old, new):
            reason = (
                "conversa encerrada" if new.get("status") == Status.CLOSED else "conversa assumida por um atendente"
            )
            stop(change.provedor_id, int(new["id"]), reason)


def epoch(iso: str) -> float:
    return moment(iso).timestamp()


def _taken_or_closed(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    closed = new.get("status") == Status.CLOSED and old.get("status") != Status.CLOSED
    return closed or (new.get("assignee_id") is not None and old.get("assignee_id") is None)


def on_customer_message(provedor_id: int, message: Mapping[str, Any], settings: recovery.RecoverySettings) -> None:
    conversation_id = int(message["conversation"])
    lead = store.lead(provedor_id, conversation_id)
    at = str(message["created_at"])
    if lead is not None and lead["status"] == recovery.ATTEMPTING:
        answered(provedor_id, lead, at)
        return
    if (lead is not None and lead["status"] not in recovery.LIVE) or not settings.enabled:
        return
    keyword = recovery.keyword_in(str(message.get("content") or ""), settings.keywords)
    if keyword is None and lead is None:
        return
    conversation = conversations.get(provedor_id, conversation_id, consistent=True)
    if conversation is None or conversation["status"] == Status.CLOSED or conversation.get("assignee_id"):
        return
    _watch(provedor_id, conversation, lead, keyword, at, settings)


def answered(provedor_id: int, lead: Item | None, at: str) -> None:
    """The customer wrote at `at` while the campaign waits on an attempt: the lead is recovered when that is
    within 48 h of an attempt that reached them (or is reaching them: `pending`), and the campaign stops
    otherwise (a late answer, or one after a failed attempt). A message written before the attempt (a record
    handled late) is no answer to it."""
    for _ in range(ANSWER_TRIES):
        if lead is None or lead["status"] != recovery.ATTEMPTING:
            return
        attempted = epoch(str(lead["last_attempt_at"]))
        if epoch(at) < attempted:
            return
        attempt = store.attempt(provedor_id, int(lead["last_attempt_id"]))
        state = attempt["status"] if attempt else None
        if state not in (recovery.SENT, recovery.PENDING):
            finish(provedor_id, lead, recovery.STOPPED, "o cliente voltou a escrever (a última tentativa falhou)")
            return
        if epoch(at) - attempted > recovery.RECOVERED_WITHIN_SECONDS:
            finish(provedor_id, lead, recovery.STOPPED, "o cliente respondeu depois de 48 h")
            return
        try:
            _recover(provedor_id, lead, str(state), at)
            return
        except ConditionFailed:  # the attempt was recorded, or the lead moved, meanwhile: decide again
            lead = store.lead(provedor_id, int(lead["conversation_id"]))


def _watch(
    provedor_id: int,
    conversation: Mapping[str, Any],
    lead: Item | None,
    keyword: str | None,
    at: str,
    settings: recovery.RecoverySettings,
) -> None:
    """The lead (new, or its last customer message moved) and its timer, at the message + delay_minutes."""
    conversation_id = int(conversation["id"])
    update = store.lead_update(provedor_id, conversation_id)
    update.set("type", store.LEAD).set("provedor_id", provedor_id).set("conversation_id", conversation_id)
    update.set("status", recovery.WATCHING).set("last_customer_at", at).set_default("attempts", 0)
    if keyword is not None:
        update.set_default("keyword", keyword)
    if lead is None:  # who the lead is, as the stats show it
        contact = contacts.get(provedor_id, int(conversation["contact_id"]))
        update.set("contact_id", int(conversation["contact_id"]))
        update.set("contact_name", str(contact["name"]) if contact else "").set(
            "phone", contact["phone"] if contact else ""
        )
    # A record delivered again (or late) never moves the timer back.
    update.when(field("last_customer_at").not_exists() | field("last_customer_at").lte(at))
    if lead is not None:
        update.when(field("status").eq(recovery.WATCHING))
    timer = due.schedule_op(provedor_id, RECOVERY_ATTEMPT, str(conversation_id),
                            epoch(at) + settings.delay_minutes * 60, {"conversation_id": conversation_id})  # fmt: skip
    try:
        table().transact([update, timer])
    except ConditionFailed:
        return


def _recover(provedor_id: int, lead: Item, state: str, at: str) -> None:
    """The lead and its last attempt (`state`, sent or being sent) recovered, counted once; raises
    ConditionFailed when either moved since they were read."""
    conversation_id = int(lead["conversation_id"])
    update = store.lead_update(provedor_id, conversation_id).set("status", recovery.RECOVERED).set("recovered_at", at)
    update.when(field("status").eq(recovery.ATTEMPTING), field("last_attempt_id").eq(lead["last_attempt_id"]))
    attempt = store.attempt_update(provedor_id, int(lead["last_attempt_id"])).set("status", recovery.RECOVERED)
    attempt.set("recovered_at", at).when(field("status").eq(state))
    amounts = {"recovered": 1, "pending": -1} if state == recovery.SENT else {"recovered": 1}
    operations = [update, attempt, store.counters_op(provedor_id, amounts),
                  due.cancel_op(provedor_id, RECOVERY_ATTEMPT, str(conversation_id))]  # fmt: skip
    table().transact(operations)


def stop(provedor_id: int, conversation_id: int, reason: str) -> None:
    """The campaign of the conversation ends (taken by an agent, closed): its last attempt got no answer."""
    lead = store.lead(provedor_id, conversation_id)
    if lead is None or lead["status"] not in recovery.LIVE:
        return
    finish(provedor_id, lead, recovery.STOPPED, reason)


def finish(provedor_id: int, lead: Item, status: str, reason: str) -> None:
    """The lead ends `status`; a sent attempt waiting for an answer becomes `no_response`."""
    conversation_id = int(lead["conversation_id"])
    update = store.lead_update(provedor_id, conversation_id).set("status", status).set("reason", reason)
    update.when(field("status").eq(lead["status"]))
    cancel = due.cancel_op(provedor_id, RECOVERY_ATTEMPT, str(conversation_id))
    operations: list[Operation] = [update, cancel]
    if lead["status"] == recovery.ATTEMPTING and lead.get("last_attempt_id"):
        attempt = store.attempt_update(provedor_id, int(lead["last_attempt_id"])).set("status", recovery.NO_RESPONSE)
        operations += [attempt.when(field("status").eq(recovery.SENT)), store.counters_op(provedor_id, {"pending": -1})]
    try:
        table().transact(operations)
    except ConditionFailed as failed:
        if failed.on("attempt"):  # the attempt was recovered or failed meanwhile: end the lead alone
            with contextlib.suppress(ConditionFailed):  # the lead moved on too
                table().transact([update, cancel])
