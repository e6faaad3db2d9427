"""A Postman collection (v2.1) and its environment, generated from the OpenAPI document.

Folders follow the order a first run needs (users and inboxes before the teams and conversations that use
them, deletions and logout last), so "Run collection" (or newman) goes through the whole API: the login's
test script stores the token, creations store their ids, and every request checks that its status is one
the document allows for it.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from infra.contract.operation import Operation, Var
from infra.contract.operations import all_operations

SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
NAMESPACE = uuid.UUID("6f1d9c52-4d0e-4c3e-9a59-8f4f4c6a2b10")
RUN_ORDER = ("Auth", "System", "Documentation", "Users", "Provedores", "Inboxes", "Contacts", "Teams",
             "Conversations", "Messages", "Realtime", "Audit", "CSAT", "Reports", "Team chat", "Recovery",
             "Integrations", "Webhooks")  # fmt: skip
CLEANUP = "Cleanup"
SAMPLE_FILE = "exemplo.pdf"  # beside the collection: newman runs with --working-dir docs/postman
DEFAULTS = {"base_url": "http://localhost:8010", "token": "", "username": "demo-admin", "password": "niochat-demo"}


def _vars(value: Any) -> dict[str, Any]:
    """Every Var inside an example, by name."""
    if isinstance(value, Var):
        return {value.name: value.sample}
    found: dict[str, Any] = {}
    for child in value.values() if isinstance(value, dict) else value if isinstance(value, list) else ():
        found.update(_vars(child))
    return found


def _raw(example: Any) -> str:
    """The example as JSON text with `{{name}}` for each Var (unquoted for numbers, as Postman substitutes)."""

    def mark(value: Any) -> Any:
        if isinstance(value, Var):
            return f"@@{value.name}@@"
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        return value

    text = json.dumps(mark(example), ensure_ascii=False, indent=2)
    for name, value in _vars(example).items():
        placeholder = "{{" + name + "}}"
        text = text.replace(f'"@@{name}@@"', f'"{placeholder}"' if isinstance(value, str) else placeholder)
    return text


def _script(lines: list[str]) -> dict[str, Any]:
    return {"listen": "test", "script": {"type": "text/javascript", "exec": lines}}


def _tests(op: Operation, statuses: list[int]) -> list[dict[str, Any]]:
    lines = [
        'pm.test("the status is one the contract documents", function () {',
        f"    pm.expect({json.dumps(statuses)}).to.include(pm.response.code);",
        "});",
    ]
    for variable, field in op.captures.items():
        lines += [
            "if (pm.response.code >= 200 && pm.response.code < 300) {",
            f'    pm.environment.set("{variable}", pm.response.json()["{field}"]);',
            "}",
        ]
    return [_script(lines)]


def _url(op: Operation, operation: dict[str, Any], known: set[str]) -> dict[str, Any]:
    segments = [f":{part[1:-1]}" if part.startswith("{") else part for part in op.openapi_path.split("/")[1:]]
    url: dict[str, Any] = {"raw": "{{base_url}}/" + "/".join(segments), "host": ["{{base_url}}"], "path": segments}
    variables, query = [], []
    for parameter in operation.get("parameters", []):
        name, schema = parameter["name"], parameter["schema"]
        if parameter["in"] == "path":
            value = f"{{{{{name}}}}}" if name in known else str(schema.get("enum", [schema.get("example", "")])[0])
            variables.append({"key": name, "value": value})
        elif parameter["in"] == "query":
            variable = f"{name}_id"
            value = f"{{{{{variable}}}}}" if variable in known else str(schema.get("default", "") or "")
            entry = {"key": name, "value": value, "description": parameter.get("description", "")}
            if not parameter["required"]:
                entry["disabled"] = True
            query.append(entry)
    if variables:
        url["variable"] = variables
    if query:
        url["query"] = query
        enabled = [f"{q['key']}={q['value']}" for q in query if not q.get("disabled")]
        url["raw"] += "?" + "&".join(enabled) if enabled else ""
    return url


def _body(op: Operation) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    if op.multipart:
        fields = [{"key": k, "value": _raw(v).strip('"'), "type": "text"} for k, v in (op.example or {}).items()]
        fields.append({"key": "file", "type": "file", "src": SAMPLE_FILE})
        return {"mode": "formdata", "formdata": fields}, []
    if op.body is None:
        return None, []
    raw = _raw(op.example if op.example is not None else {})
    header = [{"key": "Content-Type", "value": "application/json"}]
    return {"mode": "raw", "raw": raw, "options": {"raw": {"language": "json"}}}, header


def _item(op: Operation, operation: dict[str, Any], known: set[str]) -> dict[str, Any]:
    statuses = sorted(int(status) for status in operation["responses"])
    body, headers = _body(op)
    request: dict[str, Any] = {
        "method": op.method,
        "header": headers,
        "url": _url(op, operation, known),
        "description": operation.get("description", operation["summary"]),
    }
    if body is not None:
        request["body"] = body
    if op.public:
        request["auth"] = {"type": "noauth"}
    item: dict[str, Any] = {"name": op.summary, "request": request, "event": _tests(op, statuses)}
    if op.status == 302:
        item["protocolProfileBehavior"] = {"followRedirects": False}
    return item


def variables() -> dict[str, Any]:
    """The environment's variables: the connection, the login, and every id the requests use (a sample until a
    creation stores the real one)."""
    found = dict(DEFAULTS)
    for op in all_operations():
        found.update({name: value for name, value in _vars(op.example or {}).items() if name not in DEFAULTS})
        found.update({name: 1 for name in op.captures if name not in found})
    return found


def collection(document: dict[str, Any]) -> dict[str, Any]:
    known = set(variables())
    folders: dict[str, list[dict[str, Any]]] = {tag: [] for tag in RUN_ORDER}
    cleanup: list[dict[str, Any]] = []
    for op in all_operations():
        item = _item(op, document["paths"][op.openapi_path][op.method.lower()], known)
        if op.method == "DELETE" or op.operation_id == "logout":
            cleanup.append(item)
        else:
            folders[op.tag].append(item)
    logout = [item for item in cleanup if item["request"]["url"]["raw"].endswith("/logout/")]
    deletions = [item for item in cleanup if item not in logout][::-1]
    descriptions = {tag["name"]: tag["description"] for tag in document["tags"]}
    items = [{"name": tag, "description": descriptions[tag], "item": folders[tag]} for tag in RUN_ORDER]
    items.append({"name": CLEANUP, "description": "What the run created, deleted; then logout.",
                  "item": deletions + logout})  # fmt: skip
    return {
        "info": {
            "_postman_id": str(uuid.uuid5(NAMESPACE, "collection")),
            "name": document["info"]["title"],
            "version": document["info"]["version"],
            "description": document["info"]["description"]
            + "\n\nGenerated from the OpenAPI document: `make contract`.",
            "schema": SCHEMA,
        },
        "auth": {
            "type": "apikey",
            "apikey": [
                {"key": "key", "value": "Authorization", "type": "string"},
                {"key": "value", "value": "Token {{token}}", "type": "string"},
                {"key": "in", "value": "header", "type": "string"},
            ],
        },
        "item": items,
    }


def environment() -> dict[str, Any]:
    values = [
        {
            "key": key,
            "value": str(value),
            "type": "secret" if key in ("token", "password") else "default",
            "enabled": True,
        }
        for key, value in variables().items()
    ]
    return {
        "id": str(uuid.uuid5(NAMESPACE, "environment")),
        "name": "NioChat local (make dev)",
        "values": values,
        "_postman_variable_scope": "environment",
    }
