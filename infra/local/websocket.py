"""WebSocket connections as API Gateway WebSocket events, and the `@connections` management API.

An upgrade becomes a `$connect` event, called before the handshake is accepted (a refusal is the handler's
status code, as on API Gateway); each frame becomes a `$default` event whose response body, if any, is sent
back; the close becomes `$disconnect`. `POST|GET|DELETE /@connections/{id}` speak the management API's wire
format, so boto3's `apigatewaymanagementapi` client works against this server unchanged (410 GoneException
for unknown or closed connections), to loopback clients only (403 ForbiddenException to any other).
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import json
import logging
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

from infra import routes
from infra.local.gateway import STAGE, forwarded_headers, json_error, single_and_multi
from infra.local.workers import Workers

log = logging.getLogger(__name__)

# API Gateway WebSocket's message size limit.
MAX_MESSAGE_BYTES = 128 * 1024


@dataclass
class Connection:
    id: str
    domain: str
    source_ip: str
    user_agent: str
    connected_at: float = field(default_factory=time.time)
    last_active_at: float = field(default_factory=time.time)
    # None until the handshake is accepted; data posted before then is sent right after.
    socket: web.WebSocketResponse | None = None
    pending: list[bytes] = field(default_factory=list)
    deleted: bool = False
    done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def open(self) -> bool:
        return not self.deleted and (self.socket is None or not self.socket.closed)


def new_connection_id() -> str:
    """An id shaped like API Gateway's (16 base64 characters, e.g. `L0SM9cOFvHcCIhw=`), URL-safe."""
    return base64.b64encode(secrets.token_bytes(11)).decode().translate(str.maketrans("+/", "Ab"))


# -- events ---------------------------------------------------------------------------------------
def request_context(conn: Connection, route_key: str, event_type: str, **extra: Any) -> dict[str, Any]:
    now = time.time()
    return {
        "routeKey": route_key,
        "eventType": event_type,
        "extendedRequestId": str(uuid.uuid4()),
        "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "messageDirection": "IN",
        "stage": STAGE,
        "connectedAt": int(conn.connected_at * 1000),
        "requestTimeEpoch": int(now * 1000),
        "identity": {"sourceIp": conn.source_ip, "userAgent": conn.user_agent},
        "requestId": str(uuid.uuid4()),
        "domainName": conn.domain,
        "connectionId": conn.id,
        "apiId": "local",
        **extra,
    }


def connect_event(conn: Connection, request: web.Request) -> dict[str, Any]:
    headers, multi_headers = single_and_multi(forwarded_headers(request))
    query, multi_query = single_and_multi(request.query)
    return {
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": multi_query,
        "requestContext": request_context(conn, "$connect", "CONNECT"),
        "isBase64Encoded": False,
    }


def message_event(conn: Connection, data: str | bytes) -> dict[str, Any]:
    binary = isinstance(data, bytes)
    return {
        "requestContext": request_context(conn, "$default", "MESSAGE", messageId=secrets.token_urlsafe(12)),
        "body": base64.b64encode(data).decode() if binary else data,
        "isBase64Encoded": binary,
    }


def disconnect_event(conn: Connection, code: int, reason: str) -> dict[str, Any]:
    context = request_context(conn, "$disconnect", "DISCONNECT", disconnectStatusCode=code, disconnectReason=reason)
    return {"headers": {"Host": conn.domain}, "requestContext": context, "isBase64Encoded": False}


def _status(result: Any) -> int:
    return int(result.get("statusCode", 200)) if isinstance(result, dict) else 200


def _aws_error(status: int, error_type: str, message: str) -> web.Response:
    """An error in the management API's wire format (botocore reads the type from x-amzn-ErrorType)."""
    return web.json_response({"message": message}, status=status, headers={"x-amzn-ErrorType": error_type})


def _gone(connection_id: str) -> web.Response:
    return _aws_error(410, "GoneException", f"Connection {connection_id} is gone")


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def _send(socket: web.WebSocketResponse, data: bytes) -> None:
    try:
        await socket.send_str(data.decode("utf-8"))
    except UnicodeDecodeError:
        await socket.send_bytes(data)


class WebSocketApi:
    def __init__(self, functions: Workers, closing: Callable[[], bool]) -> None:
        self._functions = functions
        self._closing = closing
        self.connections: dict[str, Connection] = {}

    async def _invoke(self, event: dict[str, Any]) -> Any:
        return await self._functions.invoke(routes.WEBSOCKET_FUNCTION, event, event["requestContext"]["requestId"])

    # -- the WebSocket route --------------------------------------------------------------------------
    async def connect(self, request: web.Request) -> web.StreamResponse:
        if self._closing():
            return json_error(503, "ServiceUnavailable", "Servidor local encerrando")
        socket = web.WebSocketResponse(max_msg_size=MAX_MESSAGE_BYTES)
        if not socket.can_prepare(request).ok:
            return json_error(426, "UpgradeRequired", "Conecte com WebSocket")
        conn = Connection(
            new_connection_id(), request.host, request.remote or "127.0.0.1", request.headers.get("User-Agent", "")
        )
        self.connections[conn.id] = conn
        try:
            result = await self._invoke(connect_event(conn, request))
        except Exception:
            log.exception("$connect failed for %s", conn.id)
            result = {"statusCode": 500, "body": json.dumps({"message": "Internal server error"})}
        status = _status(result)
        if not 200 <= status < 300:
            self.connections.pop(conn.id, None)
            body = result.get("body") if isinstance(result, dict) else None
            return web.Response(
                status=status if status >= 300 else 500, content_type="application/json", text=str(body or "")
            )
        code, reason = 1006, "Going away"
        try:
            await socket.prepare(request)
            conn.socket = socket
            for data in conn.pending:
                await _send(socket, data)
            conn.pending.clear()
            if conn.deleted:  # DELETE @connections arrived during $connect
                await socket.close()
            async for message in socket:
                if message.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    conn.last_active_at = time.time()
                    await self._on_message(conn, socket, message.data)
            code = socket.close_code or 1005
            if conn.deleted:
                reason = "Connection deleted"
            elif self._closing():
                reason = "Server shutting down"
            else:
                reason = f"Client-side close frame status code {code}"
        finally:
            self.connections.pop(conn.id, None)
            try:
                await self._invoke(disconnect_event(conn, code, reason))
            except Exception:
                log.exception("$disconnect failed for %s", conn.id)
            conn.done.set()
        return socket

    async def _on_message(self, conn: Connection, socket: web.WebSocketResponse, data: str | bytes) -> None:
        event = message_event(conn, data)
        try:
            result = await self._invoke(event)
        except Exception:
            log.exception("$default failed for %s", conn.id)
            result = {
                "body": json.dumps(
                    {
                        "message": "Internal server error",
                        "connectionId": conn.id,
                        "requestId": event["requestContext"]["requestId"],
                    }
                )
            }
        body = result.get("body") if isinstance(result, dict) else None
        if body and not socket.closed:
            await socket.send_str(body if isinstance(body, str) else json.dumps(body))

    # -- the management API ---------------------------------------------------------------------------
    @staticmethod
    def _local_only(request: web.Request) -> web.Response | None:
        """403 for a client that is not on this machine: the management API has no authentication here
        (on AWS it is IAM-signed), so only loopback may post to, read or close a connection."""
        try:
            if request.remote and ipaddress.ip_address(request.remote).is_loopback:
                return None
        except ValueError:
            pass
        return _aws_error(403, "ForbiddenException", "The @connections API is served to loopback clients only")

    def _addressed(self, request: web.Request) -> Connection | web.Response:
        """The open connection a management call names, or the call's answer: 403 for a client that is not on
        this machine, 410 for a connection that is gone."""
        refused = self._local_only(request)
        if refused is not None:
            return refused
        conn = self.connections.get(request.match_info["connection_id"])
        if conn is None or not conn.open:
            return _gone(request.match_info["connection_id"])
        return conn

    async def post_to_connection(self, request: web.Request) -> web.Response:
        conn = self._addressed(request)
        if isinstance(conn, web.Response):
            return conn
        data = await request.read()
        if len(data) > MAX_MESSAGE_BYTES:
            return _aws_error(413, "PayloadTooLargeException", "Message too long")
        if conn.socket is None:
            conn.pending.append(data)
        else:
            try:
                await _send(conn.socket, data)
            except ConnectionError:
                return _gone(conn.id)
        conn.last_active_at = time.time()
        return web.Response(status=200)

    async def get_connection(self, request: web.Request) -> web.Response:
        conn = self._addressed(request)
        if isinstance(conn, web.Response):
            return conn
        return web.json_response(
            {
                "connectedAt": _iso(conn.connected_at),
                "identity": {"sourceIp": conn.source_ip, "userAgent": conn.user_agent},
                "lastActiveAt": _iso(conn.last_active_at),
            }
        )

    async def delete_connection(self, request: web.Request) -> web.Response:
        conn = self._addressed(request)
        if isinstance(conn, web.Response):
            return conn
        conn.deleted = True
        if conn.socket is not None:
            await conn.socket.close()
        return web.Response(status=204)

    async def close_all(self, timeout: float = 5.0) -> None:
        """Close every socket and wait for their `$disconnect` handlers."""
        conns = [conn for conn in self.connections.values() if conn.socket is not None]
        if not conns:
            return
        tasks = [asyncio.create_task(self._close(conn)) for conn in conns]
        await asyncio.wait(tasks, timeout=timeout)

    @staticmethod
    async def _close(conn: Connection) -> None:
        assert conn.socket is not None
        await conn.socket.close(code=1001, message=b"Server shutting down")
        await conn.done.wait()

    def routes(self) -> list[web.RouteDef]:
        path = routes.WEBSOCKET_PATH.rstrip("/")
        management = "/@connections/{connection_id}"
        return [
            web.get(path, self.connect),
            web.get(path + "/", self.connect),
            web.post(management, self.post_to_connection),
            web.get(management, self.get_connection, allow_head=False),
            web.delete(management, self.delete_connection),
        ]
