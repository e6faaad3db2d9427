"""The assistant answering customers: for each conversation with new customer messages in a stream batch, one
answer to the latest of them (the model reads them all), sent through the outbound path.

It answers only conversations it handles: `snoozed` (with the AI) in an inbox whose AI is on. The turn is
claimed first (niochat.store.assistant.claim), so a record delivered again answers nothing twice, and a turn
taken by an invocation that never finished it (the function timed out) is handed off when the record comes
back; the stream delivers a conversation's messages in order, one batch at a time, so one conversation never
gets two answers at once. It writes only while the conversation is `snoozed`: taken by a person meanwhile, the
answer is dropped and the person's action stands. Anything that keeps it from answering — the assistant off or
without a key, the model failing or timing out, SGP down, the reply refused by WhatsApp — hands the
conversation to people (`pending`, an activity message and an audit entry saying why) and tells the customer
so: nobody is left without an answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from aws_lambda_powertools import Logger

from niochat.assistant import history, setup
from niochat.assistant.run import AnswerFailed, respond
from niochat.assistant.tools import Effect, Toolbox
from niochat.conversations import service as conversations
from niochat.domain import assistant
from niochat.domain.conversations import Action, Status
from niochat.errors import ApiError, Conflict
from niochat.messages import outbound
from niochat.store import assistant as state
from niochat.store import teams
from niochat.store.conversations import conversations as conversation_items
from niochat.store.inboxes import inboxes

logger = Logger(child=True)
HANDOFF_TEXT = "Vou transferir você para um de nossos atendentes. Aguarde um momento, por favor."
SUPPORT_TEAMS = ("suporte", "suporte técnico", "suporte tecnico", "técnico", "tecnico", "support")


def latest_per_conversation(items: Iterable[Mapping[str, Any]]) -> dict[tuple[int, int], int]:
    """(provedor, conversation) → the id of its latest customer message among `items` (new message items)."""
    latest: dict[tuple[int, int], int] = {}
    for item in items:
        if item.get("type") != "message" or item.get("message_type") != "incoming":
            continue
        key = (int(item["provedor_id"]), int(item["conversation"]))
        latest[key] = max(latest.get(key, 0), int(item["id"]))
    return latest


def reply(provedor_id: int, conversation_id: int, message_id: int) -> str:
    """Answer the customer's messages of the conversation up to `message_id` (and any stored since: one answer
    to all of them); what was done (for the log)."""
    conversation = conversation_items.get(provedor_id, conversation_id, consistent=True)
    if conversation is None or conversation["status"] != Status.SNOOZED:
        return "not with the AI"
    inbox = inboxes.get(provedor_id, int(conversation["inbox_id"]))
    if not inbox or not (inbox.get("settings") or {}).get("ai_enabled"):
        return _hand_off(provedor_id, conversation_id, None, "a IA está desligada nesta inbox")
    try:
        ready = setup.load(provedor_id)
    except setup.NotReady as not_ready:
        return _hand_off(provedor_id, conversation_id, None, str(not_ready))
    turns, through = history.up_to_date(provedor_id, conversation_id, message_id)
    if not state.claim(provedor_id, conversation_id, through):
        if state.finished(state.read(provedor_id, conversation_id), message_id):
            return "already answered"
        # Taken by an invocation that never finished (the function timed out or died): people take it now.
        return _hand_off(provedor_id, conversation_id, ready.ai, "a IA não concluiu a resposta")
    try:
        return _answer(ready, provedor_id, conversation_id, turns, through)
    except Exception:  # the turn is taken: hand off before the record is retried (it then finds no AI turn)
        logger.exception("the assistant failed unexpectedly", extra={"conversation_id": conversation_id})
        _hand_off(provedor_id, conversation_id, ready.ai, "erro inesperado da IA")
        raise


def _answer(
    ready: setup.Setup, provedor_id: int, conversation_id: int, turns: list[dict[str, Any]], message_id: int
) -> str:
    box = Toolbox(sgp=ready.sgp, memory=assistant.memory_of(state.read(provedor_id, conversation_id)))
    try:
        answer = respond(ready, turns, box)
    except AnswerFailed as failed:
        logger.warning("the assistant could not answer", extra={"conversation_id": conversation_id,
                                                                 "reason": str(failed)})  # fmt: skip
        return _hand_off(provedor_id, conversation_id, ready.ai, failed.public)
    author = assistant.sender(ready.ai)
    for text in (answer.text, *box.outbox):
        try:
            sent = outbound.send_as_assistant(provedor_id, conversation_id, text, author)
        except Conflict:  # closed or taken by a person meanwhile: the people on it answer
            return "conversation changed meanwhile"
        if sent.error is not None:
            return _hand_off(provedor_id, conversation_id, ready.ai, "a resposta da IA não pôde ser enviada", False)
    for effect in box.effects[:1]:  # the first decision stands: a close and a hand-off don't both happen
        _apply(provedor_id, conversation_id, ready.ai, effect)
    state.remember(provedor_id, conversation_id, box.memory, message_id)  # the answer is complete
    return f"answered ({len(box.calls)} tool calls)"


def _apply(provedor_id: int, conversation_id: int, ai: assistant.AiSettings, effect: Effect) -> None:
    actor = assistant.principal(provedor_id, ai)
    try:
        if effect.kind == "close":
            conversations.act(actor, provedor_id, conversation_id, Action.CLOSE, resolution_notes=effect.reason,
                              only_from=Status.SNOOZED)  # fmt: skip
            return
        team_id = _team(provedor_id, effect.team)
        if team_id is not None:
            conversations.act(actor, provedor_id, conversation_id, Action.TRANSFER_TO_TEAM, team_id=team_id,
                              note=effect.reason, only_from=Status.SNOOZED)  # fmt: skip
        else:
            conversations.act(actor, provedor_id, conversation_id, Action.SET_STATUS, status=str(Status.PENDING),
                              note=effect.reason, only_from=Status.SNOOZED)  # fmt: skip
    except ApiError as refused:  # a person acted on it meanwhile: theirs stands
        logger.info("the assistant's action was refused", extra={"conversation_id": conversation_id,
                                                                  "reason": refused.message})  # fmt: skip


def _team(provedor_id: int, name: str | None) -> int | None:
    """The team the model named (by name, accents and case ignored); asked for support, the provedor's support
    team under any of its usual names. None: no such team (the conversation goes `pending` without one)."""
    candidates = [name] if name else []
    if not name or teams.fold_name(name) in SUPPORT_TEAMS:
        candidates += SUPPORT_TEAMS
    for candidate in candidates:
        found = teams.owner_of_name(provedor_id, candidate)
        if found is not None:
            return found
    return None


def _hand_off(
    provedor_id: int, conversation_id: int, ai: assistant.AiSettings | None, reason: str, tell: bool = True
) -> str:
    """Pass the conversation to people (`pending`), saying why, unless a person took it meanwhile; first tell
    the customer (best effort: while the conversation is still with the AI, the only time it may write)."""
    settings = ai or assistant.AiSettings()
    actor = assistant.principal(provedor_id, settings)
    if tell:
        try:
            outbound.send_as_assistant(provedor_id, conversation_id, HANDOFF_TEXT, assistant.sender(settings))
        except Exception:  # best effort: whatever kept the message from going, the hand-off itself must happen
            logger.warning("could not tell the customer about the hand-off", extra={"conversation_id": conversation_id},
                           exc_info=True)  # fmt: skip
    try:
        conversations.act(actor, provedor_id, conversation_id, Action.SET_STATUS, status=str(Status.PENDING),
                          note=f"transferida para a equipe ({reason})", only_from=Status.SNOOZED)  # fmt: skip
    except ApiError as refused:
        return f"hand-off refused: {refused.message}"
    return f"handed off: {reason}"
