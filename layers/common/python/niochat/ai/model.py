"""One chat-completion call with tools, through the `openai` SDK pointed at the provedor's `base_url`.

- The SDK is imported on the first call (it costs about a second of cold start; only the assistant needs it).
- The base URL is checked by the egress guard before every call (no internal, loopback or metadata address).
- Our own retries, not the SDK's: 429, 5xx and connection errors are retried with a pause (the server's
  `Retry-After` when it gives one) while the answer's time budget lasts; a timeout is retried only when a whole
  attempt still fits. Any other error, or running out of time, is ModelFailed: the assistant hands off.
"""

from __future__ import annotations

import json
import random
import time
from typing import Any, NamedTuple

from aws_lambda_powertools import Logger

from niochat.channels import egress

logger = Logger(child=True)
MAX_ATTEMPTS = 3
_clients: dict[tuple[str, str], Any] = {}


class ModelFailed(Exception):
    """The model gave no usable answer in time (the reason is for the log and the audit entry)."""


class ModelConfig(NamedTuple):
    base_url: str
    api_key: str
    model: str
    temperature: float
    attempt_timeout: float  # seconds one request may take


class ToolCall(NamedTuple):
    id: str
    name: str
    arguments: str  # JSON text, as the model wrote it


class Turn(NamedTuple):
    content: str
    tool_calls: tuple[ToolCall, ...] = ()

    def as_message(self) -> dict[str, Any]:
        """The assistant's turn as it goes back to the model in the next request."""
        message: dict[str, Any] = {"role": "assistant", "content": self.content or None}
        if self.tool_calls:
            message["tool_calls"] = [
                {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                for c in self.tool_calls
            ]
        return message


def _client(config: ModelConfig) -> Any:
    key = (config.base_url, config.api_key)
    if key not in _clients:
        from openai import OpenAI

        _clients[key] = OpenAI(api_key=config.api_key, base_url=config.base_url, max_retries=0)
    return _clients[key]


def _retry_after(error: Any) -> float | None:
    response = getattr(error, "response", None)
    raw = response.headers.get("retry-after") if response is not None else None
    try:
        return float(raw) if raw else None
    except ValueError:
        return None


def complete(
    config: ModelConfig,
    messages: list[dict[str, Any]],
    tools: list[dict[str, Any]],
    until: float,
    tool_choice: str | None = None,
) -> Turn:
    """The model's next turn; `until` is the monotonic time by which the whole answer must be done;
    `tool_choice` "none": the model may not call a tool this turn."""
    import openai

    try:
        egress.check(config.base_url)
    except egress.EgressRefused as refused:
        raise ModelFailed(f"base_url refused: {refused.reason}") from None
    client = _client(config)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        remaining = until - time.monotonic()
        if remaining <= 0.5:
            raise ModelFailed("out of time")
        timeout = min(config.attempt_timeout, remaining)
        try:
            response = client.chat.completions.create(
                model=config.model,
                messages=messages,
                temperature=config.temperature,
                timeout=timeout,
                **({"tools": tools} if tools else {}),  # an empty list is refused by the API
                **({"tool_choice": tool_choice} if tools and tool_choice else {}),
            )
            return _turn(response)
        except (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError) as error:
            timed_out = isinstance(error, openai.APITimeoutError)
            reason = f"{type(error).__name__} (attempt {attempt})"
            logger.warning("model call failed", extra={"reason": reason, "model": config.model})
            pause = _retry_after(error) or random.uniform(0.2, 0.5 * 2**attempt)
            fits = until - time.monotonic() - pause > (config.attempt_timeout if timed_out else 1.0)
            if attempt == MAX_ATTEMPTS or not fits:
                raise ModelFailed(reason) from None
            time.sleep(pause)
        except openai.APIStatusError as error:
            raise ModelFailed(f"{type(error).__name__}: HTTP {error.status_code}") from None
        except openai.OpenAIError as error:
            raise ModelFailed(type(error).__name__) from None
    raise ModelFailed("no answer")


def _turn(response: Any) -> Turn:
    try:
        message = response.choices[0].message
    except (AttributeError, IndexError, TypeError):
        raise ModelFailed("an answer without choices") from None
    calls = tuple(
        ToolCall(str(c.id), str(c.function.name), str(c.function.arguments or "{}"))
        for c in (message.tool_calls or [])
        if getattr(c, "function", None) is not None
    )
    content = message.content if isinstance(message.content, str) else ""
    if not calls and not content.strip():
        raise ModelFailed("an empty answer")
    return Turn(content.strip(), calls)


def tool_result(call: ToolCall, result: Any) -> dict[str, Any]:
    """What a tool answered, as the next request's `tool` message."""
    return {"role": "tool", "tool_call_id": call.id, "content": json.dumps(result, ensure_ascii=False)}


def reset() -> None:
    _clients.clear()
