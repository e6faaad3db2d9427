"""Integration fixtures: moto in-process, the real table and bucket, handlers called with API Gateway events."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra import moto_patches
from niochat import settings as settings_module
from niochat.channels import http as provider_http
from niochat.realtime import log as event_log
from niochat.settings import get_settings
from niochat.store import clients, schema
from niochat.store import table as table_module

ROOT = Path(__file__).resolve().parents[2]


def _reset_caches() -> None:
    """Each caching module forgets its state through its own reset()."""
    for module in (settings_module, clients, table_module, provider_http, event_log):
        module.reset()


@contextmanager
def moto_world() -> Iterator[None]:
    """A fresh in-process moto with the table and the bucket. boto3's default session is kept across worlds
    (moto would rebuild it, and every client of a new session parses its service model again: ~0.2 s a test)."""
    moto_patches.install()  # conditional writes under threads behave as on DynamoDB
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        _reset_caches()
        settings = get_settings()
        schema.create_table(boto3.client("dynamodb"), settings.table_name)
        boto3.client("s3").create_bucket(Bucket=settings.media_bucket)
        yield
        _reset_caches()


@pytest.fixture
def aws() -> Iterator[None]:
    with moto_world():
        yield


@pytest.fixture(scope="module")
def module_aws() -> Iterator[None]:
    """One moto world for a whole module: for modules whose tests only read (or are refused writes to) a
    world built once, such as the tenant isolation probes. A module uses it by defining its own `aws` fixture
    that depends on it."""
    with moto_world():
        yield


def load_function(name: str) -> Any:
    """Import functions/<name>/app.py under a unique module name (every function's module is `app`)."""
    module_name = f"niochat_function_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, ROOT / "functions" / name / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


class LambdaContext:
    function_name = "test"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test"
    aws_request_id = "test-request"


def rest_event(
    method: str,
    path: str,
    body: Any = None,
    token: str | None = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    raw_body: str | None = None,
) -> dict[str, Any]:
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
            "requestId": "req",
            "resourcePath": "/{proxy+}",
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": raw_body if raw_body is not None else (json.dumps(body) if body is not None else None),
        "isBase64Encoded": False,
    }


class Api:
    """Calls the real lambda_handler of whichever function owns the path, per infra/routes.py."""

    def __init__(self) -> None:
        from infra.routes import rest_function_for

        self._route = rest_function_for

    def call(self, method: str, path: str, body: Any = None, token: str | None = None, **kwargs: Any) -> Response:
        function = self._route(path)
        assert function, f"no function owns {path}"
        event = rest_event(method, path, body, token, **kwargs)
        raw = load_function(function).lambda_handler(event, LambdaContext())
        return Response(raw)

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Response:
        return self.call("POST", path, body, **kwargs)


class Response:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.status = raw["statusCode"]
        headers = {k: v for k, v in (raw.get("headers") or {}).items()}
        for k, values in (raw.get("multiValueHeaders") or {}).items():
            headers[k] = values[-1]
        self.headers = {k.lower(): v for k, v in headers.items()}

    @property
    def json(self) -> Any:
        return json.loads(self.raw["body"])


@pytest.fixture
def api(aws: None) -> Api:
    return Api()


@pytest.fixture
def tenant(aws: None) -> dict[str, Any]:
    """A provedor with an admin and an agent, plus a superadmin."""
    from niochat.directory.provedores import create_provedor
    from niochat.directory.users import create_user
    from niochat.domain.users import UserType

    provedor = create_provedor("Provedor A", "contato@a.example")
    admin = create_user(
        username="admin_a",
        password="senha-forte-1",
        user_type=UserType.ADMIN,
        provedor_id=provedor["id"],
        email="admin@a.example",
        first_name="Ana",
    )
    agent = create_user(
        username="agent_a",
        password="senha-forte-2",
        user_type=UserType.AGENT,
        provedor_id=provedor["id"],
        email="agent@a.example",
        first_name="Beto",
    )
    root = create_user(
        username="root",
        password="senha-forte-0",
        user_type=UserType.SUPERADMIN,
        provedor_id=None,
        email="root@niochat.example",
        first_name="Root",
    )
    return {"provedor": provedor, "admin": admin, "agent": agent, "superadmin": root}


def login(api: Api, username: str, password: str) -> str:
    response = api.post("/api/auth/login/", {"username": username, "password": password})
    assert response.status == 200, response.json
    return response.json["token"]


def function_url_event(
    method: str,
    path: str,
    body: Any = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    raw_body: str | None = None,
) -> dict[str, Any]:
    """A Lambda Function URL event (payload v2.0), as the webhooks function receives on AWS."""
    from urllib.parse import urlencode

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
            "requestId": "req",
            "routeKey": "$default",
            "stage": "$default",
            "timeEpoch": 0,
        },
        "body": raw_body if raw_body is not None else (json.dumps(body) if body is not None else None),
        "isBase64Encoded": False,
    }


def post_webhook(
    body: Any, path: str = "/webhook/evolution-uazapi/", query: dict[str, str] | None = None, **kwargs: Any
) -> Response:
    """POST a delivery to the webhooks function's real lambda_handler."""
    event = function_url_event("POST", path, body, query, **kwargs)
    return Response(load_function("webhooks").lambda_handler(event, LambdaContext()))
