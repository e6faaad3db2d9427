"""CORS for the console on AWS, where CloudFront serves it from another origin than the API: with CONSOLE_ORIGIN
set (the stack sets it on the REST functions), a REST function's answers to the console's requests carry
Access-Control-Allow-Origin for that origin, errors included, and nobody else's do; unset (the local stack, one
origin for both), no CORS header at all. The auth function stands for all: every REST function's resolver is
niochat.http.app.create_app()."""

from __future__ import annotations

import importlib.util
import uuid
from types import ModuleType
from typing import Any

import pytest

from infra.lambda_runtime import LambdaContext, function_path, rest_event
from tests.integration.conftest import Api, Response

CONSOLE = "https://d111111abcdef8.cloudfront.net"
ELSEWHERE = "https://evil.example"
LOGIN = "/api/auth/login/"


@pytest.fixture
def console_auth(aws: None, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The auth function as the stack deploys it: imported afresh (its own module name, so the other tests'
    copy, loaded without the variable, stays as it is) with CONSOLE_ORIGIN set, as a cold start reads it."""
    monkeypatch.setenv("CONSOLE_ORIGIN", f"{CONSOLE}/")  # a trailing slash is not part of an origin
    spec = importlib.util.spec_from_file_location(f"cors_probe_auth_{uuid.uuid4().hex}", function_path("auth"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _call(module: ModuleType, method: str, path: str, body: Any = None, origin: str | None = None) -> Response:
    headers = {"Origin": origin} if origin else {}
    return Response(module.lambda_handler(rest_event(method, path, body, headers=headers), LambdaContext()))


def test_the_consoles_login_is_readable_by_the_console(console_auth: ModuleType, tenant: dict) -> None:
    response = _call(console_auth, "POST", LOGIN, {"username": "agent_a", "password": "senha-forte-2"}, CONSOLE)
    assert response.status == 200 and response.json["token"]
    assert response.headers["access-control-allow-origin"] == CONSOLE
    allowed = {h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type"} <= allowed
    assert response.headers["access-control-expose-headers"] == "Retry-After"
    assert "access-control-allow-credentials" not in response.headers  # a token header, never cookies


def test_errors_carry_the_header_so_the_console_can_show_the_apis_message(
    console_auth: ModuleType, tenant: dict
) -> None:
    wrong = _call(console_auth, "POST", LOGIN, {"username": "agent_a", "password": "errada"}, CONSOLE)
    assert wrong.status == 401 and wrong.json["message"]
    assert wrong.headers["access-control-allow-origin"] == CONSOLE
    unknown = _call(console_auth, "GET", "/api/auth/nothing-here/", origin=CONSOLE)
    assert unknown.status == 404 and unknown.json["error"] == "NotFound"
    assert unknown.headers["access-control-allow-origin"] == CONSOLE


@pytest.mark.parametrize("origin", [ELSEWHERE, f"{CONSOLE}.evil.example", "http://d111111abcdef8.cloudfront.net", None])
def test_another_origin_or_none_gets_no_cors_header(console_auth: ModuleType, tenant: dict, origin: str | None) -> None:
    response = _call(console_auth, "POST", LOGIN, {"username": "agent_a", "password": "senha-forte-2"}, origin)
    assert response.status == 200  # the API answers; the browser keeps the answer from the other page
    assert not [h for h in response.headers if h.startswith("access-control-")]


@pytest.mark.parametrize("path", [LOGIN, "/api/auth/me/", "/api/auth/nothing-here/"])
def test_the_function_answers_the_consoles_preflight_and_only_its(console_auth: ModuleType, path: str) -> None:
    """The gateway's ANY method brings OPTIONS to the function (no mock methods: infra/components/rest_api.py).
    A preflight carries no token: it is answered before any authentication, on any path of the function."""
    preflight = _call(console_auth, "OPTIONS", path, origin=CONSOLE)
    assert preflight.status == 204 and preflight.raw["body"] == ""
    assert preflight.headers["access-control-allow-origin"] == CONSOLE
    methods = {m.strip() for m in preflight.headers["access-control-allow-methods"].split(",")}
    assert {"GET", "POST", "OPTIONS"} <= methods  # what the auth function routes
    allowed = {h.strip().lower() for h in preflight.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type"} <= allowed
    assert preflight.headers["access-control-max-age"] == "7200"
    other = _call(console_auth, "OPTIONS", path, origin=ELSEWHERE)
    assert "access-control-allow-origin" not in other.headers  # the browser refuses the real request


def test_without_a_console_origin_no_response_has_cors_headers(api: Api, tenant: dict) -> None:
    """The local stack serves the console and the API from one origin: CONSOLE_ORIGIN unset."""
    body = {"username": "agent_a", "password": "senha-forte-2"}
    response = api.post(LOGIN, body, headers={"Origin": CONSOLE})
    assert response.status == 200
    assert not [h for h in response.headers if h.startswith("access-control-")]
