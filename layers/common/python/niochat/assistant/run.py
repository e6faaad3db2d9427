"""One answer of the assistant: the system prompt, the conversation so far, and up to MAX_TOOL_ROUNDS rounds
of tool calls before the model's final text (the request after the last round allows no tool: `tool_choice`
"none"). Model and SGP failures are raised (the caller hands off)."""

from __future__ import annotations

import os
import time
from typing import Any, NamedTuple

from niochat.ai import model
from niochat.assistant.setup import Setup
from niochat.assistant.tools import Toolbox
from niochat.domain import assistant


class AnswerFailed(Exception):
    """No answer to send: the model failed, SGP is down, or the rounds ran out. The exception's text is for
    the log; `public` says it in Portuguese for people (activity messages, the trial endpoint)."""

    def __init__(self, reason: str, public: str) -> None:
        super().__init__(reason)
        self.public = public


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


def model_timeout() -> float:
    """Seconds one model request may take (AI_MODEL_TIMEOUT_SECONDS, default 20)."""
    return _seconds("AI_MODEL_TIMEOUT_SECONDS", 20.0)


def answer_deadline() -> float:
    """Seconds a whole answer may take, tools included (AI_ANSWER_DEADLINE_SECONDS, default 45: the function
    times out at 60 and must still hand off after that)."""
    return _seconds("AI_ANSWER_DEADLINE_SECONDS", 45.0)


class Answer(NamedTuple):
    text: str
    box: Toolbox

    @property
    def needs_input(self) -> bool:
        """The conversation now waits for the customer (nothing closed or handed it off)."""
        return not self.box.effects


def respond(setup: Setup, history: list[dict[str, Any]], box: Toolbox, deadline: float | None = None) -> Answer:
    """The answer to the conversation so far, within `deadline` seconds (default: answer_deadline())."""
    from niochat.sgp.client import SgpUnavailable

    config = model.ModelConfig(setup.base_url, setup.api_key, setup.ai.model, setup.ai.temperature, model_timeout())
    prompt = assistant.system_prompt(setup.provedor_name, setup.ai, box.memory, box.sgp is not None)
    messages: list[dict[str, Any]] = [{"role": "system", "content": prompt}, *history]
    until = time.monotonic() + (deadline if deadline is not None else answer_deadline())
    if box.sgp is not None:  # SGP's calls share the answer's time: a slow SGP hands off within the deadline
        box.sgp = box.sgp._replace(until=until)
    for rounds in range(assistant.MAX_TOOL_ROUNDS + 1):
        last = rounds == assistant.MAX_TOOL_ROUNDS  # the tools' rounds are spent: the model must answer now
        try:
            turn = model.complete(config, messages, box.schemas(), until, tool_choice="none" if last else None)
        except model.ModelFailed as failed:
            raise AnswerFailed(f"model: {failed}", "o modelo de IA não respondeu a tempo") from None
        if not turn.tool_calls:
            return Answer(_with_protocols(turn.content, box), box)
        if last:
            break
        messages.append(turn.as_message())
        for call in turn.tool_calls:
            try:
                result = box.run(call.name, call.arguments)
            except SgpUnavailable as down:
                raise AnswerFailed(f"sgp: {down}", "o SGP não respondeu") from None
            messages.append(model.tool_result(call, result))
    raise AnswerFailed(f"more than {assistant.MAX_TOOL_ROUNDS} rounds of tool calls", "a IA não chegou a uma resposta")


def _with_protocols(text: str, box: Toolbox) -> str:
    """A ticket's reply always carries SGP's protocol, whatever the model wrote."""
    missing = [p for p in box.protocols if p and p not in text]
    if missing:
        text = f"{text}\n\nProtocolo do chamado: {', '.join(missing)}".strip()
    return text
