"""The local stack is safe by default: loopback unless NIOCHAT_HOST, random seeded passwords unless given,
webhook secrets and tokens masked in the access log, `@connections` for loopback clients only."""

from __future__ import annotations

import asyncio
import logging
import os
from unittest import mock

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from infra.local import config
from infra.local.gateway import AccessLog
from infra.local.websocket import WebSocketApi


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in [n for n in os.environ if n.startswith("NIOCHAT_")]:
        monkeypatch.delenv(name)
    return monkeypatch


def test_loopback_and_random_passwords_unless_told_otherwise(clean_env: pytest.MonkeyPatch) -> None:
    first, second = config.from_env(), config.from_env()
    assert first.host == "127.0.0.1"
    passwords = {first.superadmin.password, first.demo_admin.password, first.demo_agent.password}
    assert len(passwords) == 3 and all(len(p) >= 16 for p in passwords)
    assert first.superadmin.password != second.superadmin.password

    clean_env.setenv("NIOCHAT_HOST", "0.0.0.0")
    clean_env.setenv("NIOCHAT_DEMO_ADMIN_PASSWORD", "escolhida-por-mim")
    chosen = config.from_env()
    assert chosen.host == "0.0.0.0"
    assert chosen.demo_admin.password == "escolhida-por-mim"


@pytest.mark.parametrize(("raw", "warm"), [(None, True), ("", True), ("1", True), ("0", False), (" 0 ", False)])
def test_workers_are_warmed_at_start_unless_told_not_to(clean_env: pytest.MonkeyPatch, raw: str | None,
                                                         warm: bool) -> None:  # fmt: skip
    if raw is not None:
        clean_env.setenv("NIOCHAT_WARM", raw)
    assert config.from_env().warm is warm


def test_a_warm_switch_that_is_not_0_or_1_stops_the_start(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("NIOCHAT_WARM", "sim")
    with pytest.raises(SystemExit, match="NIOCHAT_WARM must be 0 or 1, got 'sim'"):
        config.from_env()


def test_the_access_log_masks_webhook_secrets_and_tokens(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.access")
    access = AccessLog(logger, "")
    request = make_mocked_request("POST", "/webhook/evolution-uazapi/?secret=s3gr3d0&x=1&token=abc")
    with caplog.at_level(logging.INFO, "test.access"):
        access.log(request, web.Response(status=200), 0.01)
    assert caplog.messages == ["POST /webhook/evolution-uazapi/?secret=***&x=1&token=*** 200 0.010s"]


def _management(remote: str) -> web.Request:
    transport = mock.Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: (remote, 5000) if name == "peername" else default
    return make_mocked_request("GET", "/@connections/abc", match_info={"connection_id": "abc"}, transport=transport)


@pytest.mark.parametrize(
    ("remote", "status"), [("127.0.0.1", 410), ("::1", 410), ("203.0.113.5", 403), ("192.168.0.10", 403)]
)
def test_connections_api_answers_loopback_clients_only(remote: str, status: int) -> None:
    api = WebSocketApi(mock.Mock(), lambda: False)
    for handler in (api.get_connection, api.delete_connection):
        response = asyncio.run(handler(_management(remote)))
        assert response.status == status
