"""A fake OpenAI-compatible model server on loopback: POST /v1/chat/completions answers the turns a test
scripted, in order — text, tool calls, errors (429, 500), slow answers — and records every request.

    with FakeModel() as model:
        model.reply(model.calls(("consultar_cliente_sgp", {"cpf_cnpj": "529.982.247-25"})), model.text("Pronto!"))
        ... AI settings {"base_url": model.base_url, "api_key": "sk-test-123456"} ...
        assert model.bodies()[0]["tools"]

Unscripted requests get a plain greeting. `model.text(...)`, `model.calls(...)` build the replies; any
`Reply` (status, delay) can be scripted too.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from tests.support.fake_server import FakeServer, Recorded, Reply

PATH = "/v1/chat/completions"
GREETING = "Olá! Sou o assistente virtual. Você já é nosso cliente?"


class FakeModel(FakeServer):
    name = "fake-model"

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._ids = itertools.count(1)
        super().__init__(host)

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def reply(self, *replies: Reply) -> None:
        self.script("POST", PATH, *replies)

    def text(self, content: str) -> Reply:
        return Reply(200, self._completion({"role": "assistant", "content": content}, "stop"))

    def calls(self, *calls: tuple[str, dict[str, Any]]) -> Reply:
        tool_calls = [
            {"id": f"call_{next(self._ids)}", "type": "function",
             "function": {"name": name, "arguments": json.dumps(arguments, ensure_ascii=False)}}
            for name, arguments in calls
        ]  # fmt: skip
        return Reply(
            200, self._completion({"role": "assistant", "content": None, "tool_calls": tool_calls}, "tool_calls")
        )

    def bodies(self) -> list[dict[str, Any]]:
        """The JSON body of every chat request, in order."""
        return [r.json for r in self.requests_to(PATH, "POST")]

    def default(self, request: Recorded) -> Reply:
        if request.method == "POST" and request.path == PATH:
            return self.text(GREETING)
        return Reply(404, {"error": {"message": f"Unknown path {request.path}", "type": "invalid_request_error"}})

    def _completion(self, message: dict[str, Any], finish: str) -> dict[str, Any]:
        return {
            "id": f"chatcmpl-{next(self._ids)}",
            "object": "chat.completion",
            "created": 1764547200,
            "model": "fake-model",
            "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }
