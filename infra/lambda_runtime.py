"""Running a function's handler outside Lambda, in one place: the local stack (infra/local), the tests and the
benchmarks load functions, build their context and their events, and reset niochat's caches through this.

- `load_function(name)`: `functions/<name>/app.py` imported by path under a unique name (`niochat_fn_<name>`:
  every function's module is `app`), with its own folder first on sys.path while it loads, as Lambda has it;
  the modules it imported from its own folder are then renamed out of the way (`niochat_fn_<name>.<module>`)
  so another function's same-named module cannot shadow them.
- `LambdaContext`: the parts of Lambda's context that handlers and Powertools read.
- Events as the handlers receive them on AWS: `rest_event` (API Gateway REST v1 proxy), `function_url_event`
  (Function URL, payload 2.0), `websocket_event` (API Gateway WebSocket), `scheduled_event` (EventBridge), and
  the table's stream records (`StreamReader`: what was written since it was created, as Lambda delivers it).
- `reset_caches()`: every niochat module that caches a client, the table or the settings, through its own
  `reset()`.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS_DIR = ROOT / "functions"
REGION, ACCOUNT_ID = "us-east-1", "123456789012"
MODULE_PREFIX = "niochat_fn_"
_loading = threading.Lock()


class FunctionMissing(LookupError):
    """There is no `functions/<name>/app.py`."""


class LambdaContext:
    """The parts of Lambda's context object that handlers and Powertools read."""

    memory_limit_in_mb = 512
    log_group_name = "/aws/lambda/local"
    log_stream_name = "local"
    identity = None
    client_context = None

    def __init__(self, function: str = "local", request_id: str = "local-request", timeout_seconds: float = 30.0):
        self.function_name = f"niochat-{function}"
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.function_name}"
        self.aws_request_id = request_id
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def function_path(name: str, folder: Path = FUNCTIONS_DIR) -> Path:
    return folder / name / "app.py"


def load_function(name: str, folder: Path = FUNCTIONS_DIR) -> ModuleType:
    """The function's `app` module, imported once per process (again when `folder` names another copy)."""
    module_name = f"{MODULE_PREFIX}{name}"
    path = function_path(name, folder)
    with _loading:
        loaded = sys.modules.get(module_name)
        if loaded is not None and Path(loaded.__file__ or "") == path:
            return loaded
        if not path.is_file():
            raise FunctionMissing(name)
        spec = importlib.util.spec_from_file_location(module_name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        before = set(sys.modules)
        sys.modules[module_name] = module
        sys.path.insert(0, str(path.parent))
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(module_name, None)
            raise
        finally:
            sys.path.remove(str(path.parent))
            _privatize(set(sys.modules) - before - {module_name}, path.parent, module_name)
        return module


def _privatize(added: set[str], folder: Path, owner: str) -> None:
    """Rename the modules a function imported from its own folder to `<owner>.<name>`."""
    for name in added:
        file = getattr(sys.modules.get(name), "__file__", None)
        if file and Path(file).resolve().is_relative_to(folder.resolve()):
            sys.modules[f"{owner}.{name}"] = sys.modules.pop(name)


def reset_caches() -> None:
    """Forget niochat's cached settings, clients, table, provider HTTP client, event log and secrets."""
    from niochat import settings
    from niochat.channels import http as provider_http
    from niochat.realtime import log as event_log
    from niochat.store import clients, secrets
    from niochat.store import table as table_module

    for module in (settings, clients, table_module, provider_http, event_log, secrets):
        module.reset()


# -- events ---------------------------------------------------------------------------------------------
def _body(body: Any, raw_body: str | None) -> str | None:
    return raw_body if raw_body is not None else (json.dumps(body) if body is not None else None)


def rest_event(
    method: str,
    path: str,
    body: Any = None,
    token: str | None = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    raw_body: str | None = None,
) -> dict[str, Any]:
    """An API Gateway REST (v1) proxy event for `method path`, authenticated with `token` when given."""
    all_headers = {"Host": "localhost:8010", "X-Forwarded-Proto": "http", **(headers or {})}
    if token:
        all_headers["Authorization"] = f"Token {token}"
    if body is not None:
        all_headers["Content-Type"] = "application/json"
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "requestContext": {
            "stage": "local",
            "path": path,
            "httpMethod": method,
            "requestId": "local-request",
            "resourcePath": "/{proxy+}",
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": _body(body, raw_body),
        "isBase64Encoded": False,
    }


def function_url_event(
    method: str,
    path: str,
    body: Any = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    raw_body: str | None = None,
) -> dict[str, Any]:
    """A Lambda Function URL event (payload 2.0), as the webhooks function receives on AWS."""
    all_headers = {"host": "abc.lambda-url.us-east-1.on.aws", "x-forwarded-proto": "https"}
    if body is not None:
        all_headers["content-type"] = "application/json"
    all_headers.update({k.lower(): v for k, v in (headers or {}).items()})
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": urlencode(query or {}),
        "headers": all_headers,
        "queryStringParameters": query or None,
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "abc",
            "domainName": all_headers["host"],
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.9"},
            "requestId": "local-request",
            "routeKey": "$default",
            "stage": "$default",
            "timeEpoch": 0,
        },
        "body": _body(body, raw_body),
        "isBase64Encoded": False,
    }


def websocket_event(route: str, connection_id: str, token: str | None = None) -> dict[str, Any]:
    """An API Gateway WebSocket event for `route` ($connect, $disconnect, $default) of a connection."""
    return {
        "requestContext": {"routeKey": route, "connectionId": connection_id, "requestId": "local-request"},
        "queryStringParameters": {"token": token} if token else None,
    }


def scheduled_event(now: datetime | None = None) -> dict[str, Any]:
    """An EventBridge "Scheduled Event" of the timers' rule, as Lambda receives it."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/local-timers"],
        "detail": {},
    }


class StreamReader:
    """The table's stream from now on (every shard from LATEST), read as Lambda delivers DynamoDB records."""

    def __init__(self) -> None:
        import boto3

        from niochat.settings import get_settings

        self.client = boto3.client("dynamodbstreams")
        table = boto3.client("dynamodb").describe_table(TableName=get_settings().table_name)["Table"]
        self.arn = table["LatestStreamArn"]
        shards = self.client.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]
        self.iterators = {
            shard["ShardId"]: self.client.get_shard_iterator(
                StreamArn=self.arn, ShardId=shard["ShardId"], ShardIteratorType="LATEST"
            )["ShardIterator"]
            for shard in shards
        }

    def read(self) -> list[dict[str, Any]]:
        """The records written since the last read."""
        from infra.local.stream import lambda_record

        records: list[dict[str, Any]] = []
        for shard, iterator in self.iterators.items():
            response = self.client.get_records(ShardIterator=iterator)
            self.iterators[shard] = response["NextShardIterator"]
            records += [lambda_record(r, self.arn, self.client.meta.region_name) for r in response["Records"]]
        return records
