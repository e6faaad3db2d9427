"""The local stack over real HTTP and WebSocket: REST gateway, WebSocket API, @connections, stream pump."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from tests.e2e.conftest import ROOT, LocalStackProcess, login, wait_until

pytestmark = pytest.mark.e2e

ADMIN = ("demo-admin", "niochat-demo")
AGENT = ("demo-agent", "niochat-demo")


def token_and_user(stack: LocalStackProcess, credentials: tuple[str, str]) -> tuple[str, int]:
    with stack.http() as client:
        token = login(client, *credentials)
        me = client.get("/api/auth/me/", headers={"Authorization": f"Token {token}"})
        assert me.status_code == 200, me.text
        return token, me.json()["id"]


async def receive_json(ws: aiohttp.ClientWebSocketResponse, timeout: float = 5.0) -> Any:
    message = await ws.receive(timeout=timeout)
    assert message.type == aiohttp.WSMsgType.TEXT, message
    return json.loads(message.data)


async def receive_until(ws: aiohttp.ClientWebSocketResponse, wanted: dict[str, Any], timeout: float = 8.0) -> None:
    """Read events until one with `wanted`'s type and data arrives (others, e.g. other users' status, are
    skipped; every event also carries its `id` and `seq`)."""
    async with asyncio.timeout(timeout):
        while True:
            event = await receive_json(ws, timeout)
            if {k: v for k, v in event.items() if k in wanted} == wanted:
                break
    assert isinstance(event["id"], str) and isinstance(event["seq"], int)


# -- REST -----------------------------------------------------------------------------------------
def test_login_gives_a_token_for_me_until_logout(stack: LocalStackProcess) -> None:
    with stack.http() as client:
        token = login(client, *ADMIN)
        auth = {"Authorization": f"Token {token}"}
        me = client.get("/api/auth/me/", headers=auth)
        assert me.status_code == 200
        assert me.json()["username"] == "demo-admin"
        assert me.json()["user_type"] == "admin"
        assert me.headers["content-type"].startswith("application/json")

        assert client.post("/api/auth/logout/", headers=auth).status_code == 200
        after = client.get("/api/auth/me/", headers=auth)
        assert after.status_code == 401
        assert after.json()["error"] == "AuthenticationError"


def test_bad_password_is_401(stack: LocalStackProcess) -> None:
    with stack.http() as client:
        response = client.post("/api/auth/login/", json={"username": "demo-admin", "password": "wrong"})
    assert response.status_code == 401
    assert response.json() == {"error": "AuthenticationError", "message": "Usuário ou senha inválidos"}


def test_login_without_password_is_400_in_the_seed_error_format(stack: LocalStackProcess) -> None:
    with stack.http() as client:
        response = client.post("/api/auth/login/", json={"username": "demo-admin"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "ValidationError"
    assert body["message"] == "Dados inválidos"
    assert body["details"]["field"] == "password"
    assert body["details"]["message"] == "Este campo é obrigatório"


def test_malformed_json_is_400(stack: LocalStackProcess) -> None:
    with stack.http() as client:
        response = client.post(
            "/api/auth/login/", content=b'{"username": "demo-admin", ', headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 400
    assert response.json()["error"] == "ValidationError"
    assert response.json()["details"]["field"] == "body"


@pytest.mark.parametrize("path", ["/api/nothing-here/", "/api/definitely/not/a/route", "/ws/not-the-socket"])
def test_unknown_path_is_404_json(stack: LocalStackProcess, path: str) -> None:
    with stack.http() as client:
        response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": "NotFound", "message": "Endpoint não encontrado"}


def test_other_unknown_paths_are_the_consoles(stack: LocalStackProcess) -> None:
    """Every other GET is the console's single-page app (infra/local/console.py), or says how to build it."""
    with stack.http() as client:
        response = client.get("/definitely/not/a/route")
    if (ROOT / "console" / "dist" / "index.html").is_file():
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert '<div id="app">' in response.text
    else:
        assert response.status_code == 503
        assert "make console" in response.text


@pytest.mark.parametrize("length", [8_300, 40_000])
def test_a_url_over_api_gateways_limit_is_414_in_the_seed_error_format(stack: LocalStackProcess, length: int) -> None:
    """Found by the fuzz run: a long query string got aiohttp's plain-text 400 (request line over 8,190 bytes)."""
    with stack.http() as client:
        token = login(client, "demo-admin", "niochat-demo")
        response = client.get("/api/contacts/", params={"search": "á" * (length // 6)},
                              headers={"Authorization": f"Token {token}"})  # fmt: skip
    assert response.status_code == 414, response.text
    assert response.json()["error"] == "URITooLong" and response.json()["details"] == {"max_length": 8192}


# -- WebSocket --------------------------------------------------------------------------------------
def test_websocket_with_token_answers_ping(stack: LocalStackProcess) -> None:
    token, _ = token_and_user(stack, ADMIN)

    async def scenario() -> None:
        async with aiohttp.ClientSession() as session, session.ws_connect(f"{stack.ws_url}?token={token}") as ws:
            await ws.send_str(json.dumps({"action": "ping"}))
            assert await receive_json(ws) == {"type": "pong"}

    asyncio.run(scenario())


@pytest.mark.parametrize("query", ["", "?token=not-a-real-token"])
def test_websocket_without_a_valid_token_is_refused_with_401(stack: LocalStackProcess, query: str) -> None:
    async def scenario() -> None:
        async with aiohttp.ClientSession() as session:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(stack.ws_url + query)
            assert refused.value.status == 401

    asyncio.run(scenario())


def test_management_api_through_boto3(stack: LocalStackProcess) -> None:
    token, user_id = token_and_user(stack, ADMIN)
    api = stack.management_api()

    async def scenario() -> None:
        async with aiohttp.ClientSession() as session, session.ws_connect(f"{stack.ws_url}?token={token}") as ws:
            (connection_id,) = await asyncio.to_thread(
                wait_until, lambda: stack.connections_of_user(user_id), what="the connection item"
            )
            await asyncio.to_thread(
                api.post_to_connection, ConnectionId=connection_id, Data=b'{"type":"hello","data":"oi"}'
            )
            assert await receive_json(ws) == {"type": "hello", "data": "oi"}

            info = await asyncio.to_thread(api.get_connection, ConnectionId=connection_id)
            assert info["Identity"]["SourceIp"] == "127.0.0.1"
            assert info["Identity"]["UserAgent"].startswith("Python")
            assert info["LastActiveAt"] >= info["ConnectedAt"]

            await asyncio.to_thread(api.delete_connection, ConnectionId=connection_id)
            closed = await ws.receive(timeout=5)
            assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
            with pytest.raises(api.exceptions.GoneException):
                await asyncio.to_thread(api.post_to_connection, ConnectionId=connection_id, Data=b"late")
        # $disconnect ran: the connection item is gone from the table.
        await asyncio.to_thread(
            wait_until, lambda: not stack.connections_of_user(user_id), what="$disconnect to remove the connection"
        )

    asyncio.run(scenario())


def test_unknown_connection_is_gone_for_every_management_call(stack: LocalStackProcess) -> None:
    api = stack.management_api()
    with pytest.raises(api.exceptions.GoneException):
        api.post_to_connection(ConnectionId="bm9zdWNoY29ubg=", Data=b"{}")
    with pytest.raises(api.exceptions.GoneException):
        api.get_connection(ConnectionId="bm9zdWNoY29ubg=")
    with pytest.raises(api.exceptions.GoneException):
        api.delete_connection(ConnectionId="bm9zdWNoY29ubg=")


def test_a_user_connecting_is_announced_to_the_provedor_through_the_stream(stack: LocalStackProcess) -> None:
    admin_token, _ = token_and_user(stack, ADMIN)
    agent_token, agent_id = token_and_user(stack, AGENT)
    wait_until(lambda: not stack.connections_of_user(agent_id), what="the agent to have no connection")

    async def scenario() -> None:
        url = stack.ws_url + "?token="
        async with aiohttp.ClientSession() as session, session.ws_connect(url + admin_token) as watcher:
            async with session.ws_connect(url + agent_token):
                online = {"type": "user_status", "data": {"user_id": agent_id, "status": "online"}}
                await receive_until(watcher, online)
            offline = {"type": "user_status", "data": {"user_id": agent_id, "status": "offline"}}
            await receive_until(watcher, offline)

    asyncio.run(scenario())


# -- the process --------------------------------------------------------------------------------------
def test_a_second_stack_on_the_same_data_dir_is_refused(stack: LocalStackProcess) -> None:
    second = LocalStackProcess(stack.data_dir)
    with pytest.raises(pytest.fail.Exception) as failed:
        second.start()
    assert "another local stack is using" in str(failed.value)
    assert second.process is not None and second.process.returncode == 1
