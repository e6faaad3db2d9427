"""POST /api/atendimento/ia/: the agents' way to try the assistant and its SGP tools. The same answer as a
customer would get, on the conversation's history when one is named (one the caller may see), but nothing is
sent, stored, closed or handed off, and no SGP ticket is opened."""

from __future__ import annotations

from typing import Any

from niochat.assistant import history, setup
from niochat.assistant.run import AnswerFailed, answer_deadline, respond
from niochat.assistant.tools import Toolbox
from niochat.conversations import service as conversations
from niochat.domain import assistant
from niochat.domain.users import Principal
from niochat.errors import BadGateway, Conflict
from niochat.store import assistant as state

# API Gateway gives up on the function at 29 s: the trial answers (or says it failed) before that.
TRIAL_SECONDS = 24.0
MODEL_FAILED = "O assistente de IA não respondeu. Tente novamente em instantes"


def try_message(caller: Principal, provedor_id: int, conversation_id: int | None, message: str) -> dict[str, Any]:
    turns: list[dict[str, Any]] = []
    memory: dict[str, str] = {}
    if conversation_id is not None:
        viewer = conversations.viewer_for(caller, provedor_id)
        conversations.get_visible(viewer, provedor_id, conversation_id)  # 404 unless the caller may see it
        turns = history.recent(provedor_id, conversation_id)
        memory = assistant.memory_of(state.read(provedor_id, conversation_id))
    try:
        ready = setup.load(provedor_id)
    except setup.NotReady as not_ready:  # the provedor's settings, not the server: a 409 the admin can fix
        raise Conflict(str(not_ready)) from None
    box = Toolbox(sgp=ready.sgp, memory=memory, trial=True)
    try:
        answer = respond(
            ready, [*turns, {"role": "user", "content": message}], box, min(answer_deadline(), TRIAL_SECONDS)
        )
    except AnswerFailed as failed:
        raise BadGateway(MODEL_FAILED, {"reason": failed.public}) from None
    return {
        "response": "\n\n".join([answer.text, *box.outbox]),
        "function_calls": box.calls,
        "needs_input": answer.needs_input,
    }
