"""A scripted HTTP server on loopback for the fakes of tests/support (WhatsApp providers, SGP, an
OpenAI-compatible model): a real server in a thread that records every request (method, path, query, headers,
body, and the reply it gave) and answers what a test scripted for a method and path, in order, or the fake's
default answer.

Subclasses implement `default(request)`; tests call `script(method, path, *replies)` and read `requests`.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    json: Any = None
    body: bytes | None = None
    content_type: str = "application/json"
    delay: float = 0.0  # seconds to wait before answering
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    reply: Reply | None = None  # what the fake answered

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class FakeServer:
    name = "fake-server"

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.requests: list[Recorded] = []
        self._scripts: dict[tuple[str, str], deque[Reply]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name=self.name, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, method: str, path: str, *replies: Reply) -> None:
        """Answer the next requests to `method path` with `replies`, in order (then the default again)."""
        with self._lock:
            self._scripts[(method.upper(), path)].extend(replies)

    def requests_to(self, path: str, method: str | None = None) -> list[Recorded]:
        return [r for r in self.requests if r.path == path and (method is None or r.method == method.upper())]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def answer(self, request: Recorded) -> Reply:
        with self._lock:
            self.requests.append(request)
            queue = self._scripts.get((request.method, request.path))
            scripted = queue.popleft() if queue else None
        request.reply = scripted or self.default(request)
        return request.reply

    def default(self, request: Recorded) -> Reply:
        return Reply(404, {"error": "Not Found", "path": request.path})


def _handler(fake: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = fake.answer(Recorded(self.command, parts.path, parse_qs(parts.query), headers, body))
            if reply.delay:
                time.sleep(reply.delay)
            payload = reply.body if reply.body is not None else json.dumps(reply.json).encode()
            if reply.body is None and reply.json is None:
                payload = b""
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                pass

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    return Handler
