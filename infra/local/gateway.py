"""HTTP → event → the owning function's handler → HTTP response.

Which function owns a path comes from infra/routes.py. REST paths get an API Gateway REST v1 proxy event;
webhook paths a Lambda Function URL event (payload v2.0), as on AWS.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from multidict import CIMultiDict, MultiMapping

from infra import routes
from infra.lambda_runtime import FunctionMissing
from infra.local import aws, console
from infra.local.workers import Workers

log = logging.getLogger(__name__)

STAGE = "local"
# API Gateway REST's payload limit.
MAX_BODY_BYTES = 10 * 1024 * 1024
# API Gateway's URL limit (path and query string): longer is a 414 there, and here in the seed's error shape.
MAX_URL_CHARS = 8192
# What aiohttp reads of a request line before refusing it with its own plain-text 400: far above MAX_URL_CHARS,
# so that a long URL gets the 414 below.
MAX_REQUEST_LINE = 1024 * 1024
# Headers that describe the connection or the encoding of a body, not the body: aiohttp sets its own.
_HOP_HEADERS = {"content-length", "transfer-encoding", "connection", "keep-alive", "content-encoding"}
_TEXT_TYPES = (
    "text/",
    "application/json",
    "application/x-www-form-urlencoded",
    "application/xml",
    "application/javascript",
    "+json",
    "+xml",
)


def json_error(status: int, error: str, message: str, details: dict[str, Any] | None = None) -> web.Response:
    return web.json_response(
        {"error": error, "message": message, **({"details": details} if details else {})},
        status=status,
        dumps=lambda d: json.dumps(d, ensure_ascii=False),
    )


def not_found() -> web.Response:
    return json_error(404, "NotFound", "Endpoint não encontrado")


def function_for(path: str) -> str | None:
    return routes.rest_function_for(path) or routes.webhook_function_for(path)


# -- request → event ------------------------------------------------------------------------------
def single_and_multi(pairs: MultiMapping[str]) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    """API Gateway's pair of maps: the last value of each name, and all of them (None when empty)."""
    if not pairs:
        return None, None
    multi: dict[str, list[str]] = {}
    for key, value in pairs.items():
        multi.setdefault(key, []).append(value)
    return {key: values[-1] for key, values in multi.items()}, multi


def _is_text(content_type: str) -> bool:
    content_type = content_type.lower()
    return not content_type or any(marker in content_type for marker in _TEXT_TYPES)


def encode_body(body: bytes, content_type: str) -> tuple[str | None, bool]:
    """(event body, isBase64Encoded): text when UTF-8 and not multipart/binary, else base64."""
    if not body:
        return None, False
    if _is_text(content_type) and not content_type.lower().startswith("multipart/"):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode("ascii"), True


def forwarded_headers(request: web.Request) -> CIMultiDict[str]:
    """The request's headers plus the X-Forwarded-* ones API Gateway adds (handlers build URLs from them)."""
    headers = CIMultiDict(request.headers)
    headers.setdefault("X-Forwarded-For", request.remote or "127.0.0.1")
    headers.setdefault("X-Forwarded-Proto", request.scheme)
    headers.setdefault("X-Forwarded-Port", str(request.url.port or ""))
    return headers


def rest_event(request: web.Request, body: bytes) -> dict[str, Any]:
    headers, multi_headers = single_and_multi(forwarded_headers(request))
    query, multi_query = single_and_multi(request.query)
    text, is_base64 = encode_body(body, request.headers.get("Content-Type", ""))
    now_ms = int(time.time() * 1000)
    return {
        "resource": "/{proxy+}",
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": multi_query,
        "pathParameters": {"proxy": request.path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourceId": "local",
            "resourcePath": "/{proxy+}",
            "httpMethod": request.method,
            # The path as the client called it: no stage in local URLs (as behind a custom domain on AWS).
            "path": request.path,
            "stage": STAGE,
            "requestId": str(uuid.uuid4()),
            "extendedRequestId": str(uuid.uuid4()),
            "accountId": aws.ACCOUNT_ID,
            "apiId": "local",
            "protocol": f"HTTP/{request.version.major}.{request.version.minor}",
            "domainName": request.host,
            "requestTimeEpoch": now_ms,
            "identity": {"sourceIp": request.remote or "127.0.0.1", "userAgent": request.headers.get("User-Agent", "")},
        },
        "body": text,
        "isBase64Encoded": is_base64,
    }


def function_url_event(request: web.Request, body: bytes) -> dict[str, Any]:
    """A Lambda Function URL event (payload format 2.0): lower-cased headers, repeated values comma-joined."""
    headers: dict[str, str] = {}
    for key, value in forwarded_headers(request).items():
        name = key.lower()
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    query = {name: ",".join(request.query.getall(name)) for name in dict.fromkeys(request.query)}
    text, is_base64 = encode_body(body, request.headers.get("Content-Type", ""))
    now = time.time()
    source_ip = request.remote or "127.0.0.1"
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": request.path,
        "rawQueryString": request.query_string,
        "headers": headers,
        "queryStringParameters": query or None,
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "local",
            "domainName": request.host,
            "domainPrefix": request.host.split(".", 1)[0],
            "http": {
                "method": request.method,
                "path": request.path,
                "protocol": f"HTTP/{request.version.major}.{request.version.minor}",
                "sourceIp": source_ip,
                "userAgent": request.headers.get("User-Agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "body": text,
        "isBase64Encoded": is_base64,
    }


def event_for(request: web.Request, body: bytes) -> dict[str, Any]:
    """The event the function behind `request.path` receives on AWS."""
    if routes.webhook_function_for(request.path):
        return function_url_event(request, body)
    return rest_event(request, body)


# -- result → response ----------------------------------------------------------------------------
class BadProxyResponse(ValueError):
    pass


def http_response(result: Any) -> web.Response:
    """A Lambda proxy result (REST v1 or Function URL v2) as an HTTP response: headers, multiValueHeaders and
    cookies merged, base64 decoded."""
    if not isinstance(result, dict) or not isinstance(result.get("statusCode"), int):
        raise BadProxyResponse(f"not a proxy response: {str(result)[:200]}")
    headers: CIMultiDict[str] = CIMultiDict()
    for name, value in (result.get("headers") or {}).items():
        headers[name] = str(value)
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.popall(name, None)
        for value in values:
            headers.add(name, str(value))
    for cookie in result.get("cookies") or []:  # Function URL (v2) results carry cookies apart
        headers.add("Set-Cookie", str(cookie))
    for name in list(headers):
        if name.lower() in _HOP_HEADERS:
            headers.popall(name, None)
    headers.setdefault("Content-Type", "application/json")
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode()
    return web.Response(status=result["statusCode"], body=body, headers=headers)


class AccessLog(AbstractAccessLogger):
    """One line per request, with `?token=` (the dashboard's WebSocket URL) and `?secret=` (a webhook URL's
    proof) masked."""

    _TOKEN = re.compile(r"((?:token|secret)=)[^&]+", re.IGNORECASE)

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        path = self._TOKEN.sub(r"\1***", request.path_qs)
        self.logger.info("%s %s %s %.3fs", request.method, path, response.status, time)


# -- the aiohttp handler ---------------------------------------------------------------------------
class RestGateway:
    def __init__(
        self,
        functions: Workers,
        closing: Callable[[], bool],
        fallback: Callable[[web.Request], Awaitable[web.StreamResponse]] | None = None,
    ) -> None:
        self._functions = functions
        self._closing = closing
        # What answers a GET no function owns (the console's single-page app), when it wants the path.
        self._fallback = fallback

    async def handle(self, request: web.Request) -> web.StreamResponse:
        name = function_for(request.path)
        if name is None:
            if (
                self._fallback is not None
                and request.method in ("GET", "HEAD")
                and console.is_console_path(request.path)
            ):
                return await self._fallback(request)
            return not_found()
        if len(request.raw_path) > MAX_URL_CHARS:
            return json_error(414, "URITooLong", f"URL longa demais (máximo {MAX_URL_CHARS} caracteres)",
                              {"max_length": MAX_URL_CHARS})  # fmt: skip
        if self._closing():
            return json_error(503, "ServiceUnavailable", "Servidor local encerrando")
        try:
            event = event_for(request, await request.read())
        except web.HTTPRequestEntityTooLarge:
            return json_error(413, "PayloadTooLarge", "Corpo da requisição grande demais")
        request_id = event["requestContext"]["requestId"]
        try:
            result = await self._functions.invoke(name, event, request_id)
            return http_response(result)
        except FunctionMissing:
            return json_error(501, "NotImplemented", f"A função {name} ainda não existe")
        except Exception:
            # A handler must answer every request itself: reaching here is always a bug.
            log.exception("function %s failed on %s %s", name, request.method, request.path)
            return json_error(500, "InternalError", "Erro interno do servidor")

    def routes(self) -> list[web.RouteDef]:
        # Registered last: every path the other routes don't take — any character, a newline (%0A) included
        # (`.` stops at one, and aiohttp's own text 404 would answer outside the error format).
        return [web.route("*", r"/{tail:[\s\S]*}", self.handle)]
