"""Short texts written by the provedor's model (a recovery attempt with `use_ai`): None when the assistant is
not set up or the model fails, so the caller sends its template instead."""

from __future__ import annotations

import time

from aws_lambda_powertools import Logger

from niochat.ai import model
from niochat.assistant import setup
from niochat.assistant.run import model_timeout

logger = Logger(child=True)
DEADLINE_SECONDS = 15.0


def short_message(provedor_id: int, template: str, max_chars: int) -> str | None:
    try:
        ready = setup.load(provedor_id)
    except setup.NotReady:
        return None
    config = model.ModelConfig(ready.base_url, ready.api_key, ready.ai.model, ready.ai.temperature, model_timeout())
    instruction = (
        f"Você é {ready.ai.assistant_name}, do provedor de internet {ready.provedor_name}. Reescreva a mensagem a "
        f"seguir para um cliente que demonstrou interesse em planos e parou de responder: tom cordial, português do "
        f"Brasil, no máximo {max_chars} caracteres, mantendo qualquer desconto citado. Responda só com a mensagem."
    )
    messages = [{"role": "system", "content": instruction}, {"role": "user", "content": template}]
    try:
        turn = model.complete(config, messages, [], time.monotonic() + DEADLINE_SECONDS)
    except model.ModelFailed as failed:
        logger.warning("the model did not write the recovery message", extra={"reason": str(failed)})
        return None
    text = " ".join(turn.content.split())
    return text if 0 < len(text) <= max_chars else None
