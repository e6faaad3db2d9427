"""Integration fixtures: moto in-process, the real table and bucket, handlers called with API Gateway events."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from infra import moto_patches
from infra.lambda_runtime import LambdaContext, function_url_event, load_function, reset_caches, rest_event
from niochat.settings import get_settings
from tests.support import moto_tables
from tests.support.fake_provider import FakeProvider

ROOT = Path(__file__).resolve().parents[2]
# The fake providers listen on 127.0.0.1: the egress guard admits loopback only with this allowance (the SSRF
# tests turn it off with monkeypatch). Set before any test reads the settings.
os.environ.setdefault("PROVIDER_ALLOW_LOOPBACK", "1")
# Provider hosts some tests name in inbox settings: the guard resolves a base_url when it is written, and tests
# must not depend on DNS, so these resolve here to a public address (nothing connects to them).
PROVIDER_HOSTS = {"niochat.uazapi.com": "93.184.215.14", "evo.example": "93.184.215.14"}


@pytest.fixture(scope="session", autouse=True)
def provider_hosts_resolve() -> Iterator[None]:
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in PROVIDER_HOSTS:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PROVIDER_HOSTS[host], port))]
        return real(host, port, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", getaddrinfo)
        yield


@contextmanager
def moto_world() -> Iterator[None]:
    """A fresh in-process moto with the table and the bucket. boto3's default session is kept across worlds
    (moto would rebuild it, and every client of a new session parses its service model again: ~0.2 s a test)."""
    moto_patches.install()  # conditional writes under threads behave as on DynamoDB
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        reset_caches()
        settings = get_settings()
        moto_tables.new_world(settings.table_name, settings.media_bucket)
        yield
        reset_caches()


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
def fake_provider() -> Iterator[FakeProvider]:
    """The fake WhatsApp provider on loopback (tests/support/fake_provider.py), for an inbox to call."""
    with FakeProvider() as provider:
        yield provider


@pytest.fixture
def api(aws: None) -> Api:
    return Api()


def _create_tenant() -> dict[str, Any]:
    from niochat.directory.provedores import create_provedor
    from niochat.directory.users import create_user
    from niochat.domain.users import UserType

    provedor = create_provedor("Provedor A", "contato@a.example")
    people = [  # (key, username, password, type, provedor, email, first name), created in this order
        ("admin", "admin_a", "senha-forte-1", UserType.ADMIN, provedor["id"], "admin@a.example", "Ana"),
        ("agent", "agent_a", "senha-forte-2", UserType.AGENT, provedor["id"], "agent@a.example", "Beto"),
        ("superadmin", "root", "senha-forte-0", UserType.SUPERADMIN, None, "root@niochat.example", "Root"),
    ]
    users = {
        key: create_user(
            username=name, password=password, user_type=kind, provedor_id=pid, email=email, first_name=first
        )
        for key, name, password, kind, pid, email, first in people
    }
    return {"provedor": provedor, **users}


@pytest.fixture
def tenant(aws: None) -> dict[str, Any]:
    """A provedor with an admin and an agent, plus a superadmin (written once per worker, copied after:
    tests/support/moto_tables.built_once)."""
    return moto_tables.built_once("tenant", get_settings().table_name, _create_tenant)


def login(api: Api, username: str, password: str) -> str:
    response = api.post("/api/auth/login/", {"username": username, "password": password})
    assert response.status == 200, response.json
    return response.json["token"]


def post_webhook(
    body: Any, path: str = "/webhook/evolution-uazapi/", query: dict[str, str] | None = None, **kwargs: Any
) -> Response:
    """POST a delivery to the webhooks function's real lambda_handler."""
    event = function_url_event("POST", path, body, query, **kwargs)
    return Response(load_function("webhooks").lambda_handler(event, LambdaContext()))
