"""What the e2e tests and the local-stack benchmarks share to run `python -m infra.local` as a process."""

from __future__ import annotations

import socket

import httpx


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for the stack's gateway or its embedded AWS)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(base_url: str) -> bool:
    """Whether the stack at `base_url` answers GET /api/health/ with 200 (not yet, while it starts)."""
    try:
        return httpx.get(f"{base_url}/api/health/", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
