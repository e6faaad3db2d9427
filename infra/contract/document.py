"""The OpenAPI 3.1 document, generated from the operations (infra.contract.operations), the handlers' request
models and the response models (infra.contract.schemas), with the WebSocket events as `x-websocket-events`."""

from __future__ import annotations

import copy
from http import HTTPStatus
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from infra.contract import websocket
from infra.contract.operation import Operation, Page, Raw, Response, Var
from infra.contract.operations import all_operations
from infra.contract.schemas.common import Error, page_of
from niochat.http.pagination import PageParams
from niochat.system.changelog import parse as parse_changelog

ROOT = Path(__file__).resolve().parents[2]
REF = "#/components/schemas/{model}"
JSON = "application/json"
LOCAL_SERVER = {
    "url": "http://localhost:8010",
    "description": "make dev (the API serves this document with its own URL)",
}
TAGS = {
    "Auth": "Log in with a username or email; send the token as `Authorization: Token <token>`.",
    "Contacts": "A provedor's customers. Writing needs an admin or an agent with `manage_contacts`.",
    "Inboxes": "Channels (WhatsApp through Uazapi or Evolution API, webchat…). Admins write.",
    "Teams": "Teams and their members. Admins write.",
    "Conversations": "Conversations and their state machine (assign, transfer, close, reopen).",
    "Messages": "Messages of a conversation: list, send text and files on WhatsApp, react, delete, retry, files.",
    "Realtime": "What a dashboard missed of the WebSocket events (see `x-websocket-events`).",
    "Audit": "Who did what, for admins.",
    "Reports": "Dashboard, response times and analysis from exact aggregates; the report calendar (docs/metrics.md).",
    "Team chat": "Rooms and private messages between colleagues, with exact unread counts (docs/team-chat.md).",
    "Integrations": "The AI assistant (answers customers with SGP's tools, hands off to people) and SGP's settings "
    "(docs/assistant.md).",
    "Recovery": "Campaigns that bring back leads who asked about plans and went quiet (docs/recovery.md).",
    "CSAT": "Satisfaction surveys sent after each close, the customers' answers and their statistics (docs/csat.md).",
    "Provedores": "The internet providers using NioChat (superadmins; admins read their own).",
    "Users": "Admins and agents of a provedor.",
    "System": "Health and changelog (no authentication).",
    "Documentation": "This document and Swagger UI (no authentication).",
    "Webhooks": "Deliveries from the WhatsApp providers, on the webhooks function's URL.",
}
DESCRIPTION = """NioChat's REST API (serverless). Errors have the shape `{"error", "message", "details"}` with a
message in Portuguese; lists are DRF pages `{count, next, previous, results}` (`page`, `page_size` up to 100,
and `next`/`previous` links to follow). A superadmin names the provedor (`?provedor=` on reads, `"provedor"` in
bodies); admins and agents always act on their own. Realtime events: `x-websocket-events`."""


def sample(value: Any) -> Any:
    """An example with every `Var` replaced by its sample value."""
    if isinstance(value, Var):
        return value.sample
    if isinstance(value, dict):
        return {k: sample(v) for k, v in value.items()}
    if isinstance(value, list):
        return [sample(v) for v in value]
    return value


class _Schemas:
    """The components' schemas, from pydantic models (with `$ref`s between them)."""

    def __init__(self, operations: list[Operation]) -> None:
        wanted: list[tuple[type[BaseModel], Any]] = []
        for op in operations:
            if isinstance(op.body, type):
                wanted.append((op.body, "validation"))
            for response in [op.response, *op.other.values()]:
                wanted += [(model, "serialization") for model in _models(response)]
        wanted += [(model, "serialization") for model in (Error, *websocket.MODELS)]
        unique = list(dict.fromkeys(wanted))
        self.refs, defs = models_json_schema(unique, ref_template=REF)
        self.components: dict[str, Any] = dict(sorted(defs.get("$defs", {}).items()))

    def ref(self, model: type[BaseModel], mode: str = "serialization") -> dict[str, Any]:
        return self.refs[(model, mode)]

    def response(self, response: Response) -> dict[str, Any] | None:
        if response is None or isinstance(response, Raw):
            return None
        if isinstance(response, dict):
            return response
        if isinstance(response, Page):
            items = self.response(response.item)
            name = "Page" + "Or".join(m.__name__ for m in _models(response.item))
            self.components.setdefault(name, page_of(name, items or {}))
            return {"$ref": REF.format(model=name)}
        if isinstance(response, tuple):
            return {"anyOf": [self.ref(model) for model in response]}
        return self.ref(response)

    def flat(self, model: type[BaseModel]) -> dict[str, Any]:
        """The JSON schema of a flat model (query strings, forms), its nested definitions moved to components."""
        schema = model.model_json_schema(ref_template=REF)
        self.components.update(schema.pop("$defs", {}))
        return schema


def _models(response: Response) -> list[type[BaseModel]]:
    if isinstance(response, Page):
        return _models(response.item)
    if isinstance(response, tuple):
        return list(response)
    if isinstance(response, type) and issubclass(response, BaseModel):
        return [response]
    return []


def _parameters(op: Operation, registry: _Schemas) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = []
    for name in op.path_params:
        schema = op.path_schemas.get(name, {"type": "integer", "minimum": 1, "maximum": 10**16 - 1})
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    models = (*op.query, PageParams) if op.paginated else op.query
    seen: set[str] = set()
    for model in models:
        schema = registry.flat(model)
        required = set(schema.get("required", []))
        for name, field_schema in schema.get("properties", {}).items():
            if name in seen:
                continue
            seen.add(name)
            field_schema = {k: v for k, v in field_schema.items() if k != "title"}
            description = field_schema.pop("description", None) or _QUERY_HELP.get(name)
            parameter = {"name": name, "in": "query", "required": name in required, "schema": field_schema}
            if description:
                parameter["description"] = description
            parameters.append(parameter)
    return parameters


_QUERY_HELP = {
    "provedor": "The provedor a superadmin acts on (admins and agents always act on their own)",
    "page": "Page number (following `next` is cheaper: it carries a cursor)",
    "page_size": "Items per page, up to 100 (larger values are clamped)",
    "cursor": "Opaque: comes in the `next`/`previous` links",
}


def _request_body(op: Operation, registry: _Schemas) -> dict[str, Any] | None:
    if op.multipart:
        from niochat.messages.models import SendMediaForm

        form = registry.flat(SendMediaForm)
        form.pop("title", None)
        form["properties"]["file"] = {
            "type": "string",
            "format": "binary",
            "contentMediaType": "application/octet-stream",
        }
        form["required"] = [*form.get("required", []), "file"]
        content: dict[str, Any] = {"schema": form}
        if op.example:
            content["example"] = sample(op.example)
        return {"required": True, "content": {"multipart/form-data": content}}
    if op.body is None:
        return None
    schema = op.body if isinstance(op.body, dict) else registry.ref(op.body, "validation")
    content = {"schema": schema}
    if op.example is not None:
        content["example"] = sample(op.example)
    return {"required": True, "content": {JSON: content}}


def _answer(status: int, response: Response, registry: _Schemas) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": HTTPStatus(status).phrase}
    if isinstance(response, Raw):
        if response.headers:
            answer["headers"] = {h: {"schema": {"type": "string"}} for h in response.headers}
        if response.schema is not None:
            types = (response.media_type,) if isinstance(response.media_type, str) else response.media_type
            answer["content"] = {media: {"schema": response.schema} for media in types}
        return answer
    schema = registry.response(response)
    if schema is not None:
        answer["content"] = {JSON: {"schema": schema}}
    return answer


def _error(status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": HTTPStatus(status).phrase,
        "content": {JSON: {"schema": {"$ref": REF.format(model="Error")}}},
    }
    if status == 429:
        answer["headers"] = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}
    return answer


def operation_object(op: Operation, registry: _Schemas) -> dict[str, Any]:
    responses = {str(op.status): _answer(op.status, op.response, registry)}
    for status in op.errors():
        responses[str(status)] = _answer(status, op.other[status], registry) if status in op.other else _error(status)
    for status, response in op.other.items():
        responses.setdefault(str(status), _answer(status, response, registry))
    document: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary, "tags": [op.tag]}
    if op.description:
        document["description"] = op.description
    parameters = _parameters(op, registry)
    if parameters:
        document["parameters"] = parameters
    body = _request_body(op, registry)
    if body:
        document["requestBody"] = body
    document["responses"] = dict(sorted(responses.items()))
    if op.public:
        document["security"] = []
    if op.server:
        document["servers"] = [op.server]
    return document


def version() -> str:
    return parse_changelog((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))["current_version"] or "0.0.0"


def build() -> dict[str, Any]:
    operations = all_operations()
    registry = _Schemas(operations)
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(op.openapi_path, {})[op.method.lower()] = operation_object(op, registry)
    return {
        "openapi": "3.1.0",
        "info": {"title": "NioChat API", "version": version(), "description": DESCRIPTION},
        "servers": [LOCAL_SERVER],
        "tags": [{"name": name, "description": text} for name, text in TAGS.items()],
        "security": [{"Token": []}],
        "paths": paths,
        "components": {
            "schemas": copy.deepcopy(registry.components),
            "securitySchemes": {
                "Token": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "`Token <token>` (or `Bearer <token>`), the token from `POST /api/auth/login/`",
                }
            },
        },
        "x-websocket-events": websocket.extension(REF),
    }
