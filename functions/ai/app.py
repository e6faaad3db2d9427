"""The AI assistant: answers customers from the table's stream (its own event source mapping, filtered to new
customer messages: infra.stream_filter.ASSISTANT_PATTERNS) and serves POST /api/atendimento/ia/, the agents'
trial of it. The only function that imports the `openai` SDK (niochat.ai.model, on first use)."""

from __future__ import annotations

from typing import Any

from niochat import tenancy
from niochat.assistant.models import TrialRequest
from niochat.http import auth, request
from niochat.http.app import create_app, lambda_handler_for, logger, tracer
from niochat.reactions import change as changes

app = create_app()


@app.post("/api/atendimento/ia/")
def try_assistant():
    caller = auth.principal(app)
    body = request.body(app, TrialRequest)
    provedor_id = tenancy.for_read(caller, body.provedor)
    from niochat.assistant import trial  # the tools, SGP's client and httpx: only when the assistant runs

    return trial.try_message(caller, provedor_id, body.conversation_id, body.message.strip())


rest_handler = lambda_handler_for(app)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def stream_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """One answer per conversation of the batch; a conversation whose answer failed reports its first record
    (the stream delivers from there again; answers already given are not repeated)."""
    from niochat.assistant import replies  # the tools, SGP's client and httpx: only when the assistant runs

    first: dict[tuple[int, int], str] = {}
    items = []
    for record in event.get("Records") or []:
        change = changes.from_record(record)
        if change.new is not None and change.inserted:
            items.append(change.new)
            key = (int(change.new.get("provedor_id") or 0), int(change.new.get("conversation") or 0))
            first.setdefault(key, change.sequence)
    failed = []
    for (provedor_id, conversation_id), message_id in replies.latest_per_conversation(items).items():
        try:
            outcome = replies.reply(provedor_id, conversation_id, message_id)
        except Exception:  # this conversation's record is retried; the others' answers stand
            logger.exception("assistant reply failed", extra={"conversation_id": conversation_id})
            failed.append(first[(provedor_id, conversation_id)])
            continue
        logger.info("assistant", extra={"conversation_id": conversation_id, "outcome": outcome})
    return {"batchItemFailures": [{"itemIdentifier": sequence} for sequence in sorted(failed)]}


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if "Records" in event:
        return stream_handler(event, context)
    return rest_handler(event, context)
