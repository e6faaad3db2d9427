"""The local stack's settings, read from NIOCHAT_* environment variables."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from infra.components.paths import CONSOLE_DIST


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    email: str
    # The environment variables that change this login (shown in the startup banner).
    env_prefix: str


@dataclass(frozen=True)
class Config:
    host: str
    port: int
    # 0: any free port.
    moto_port: int
    data_dir: Path
    log_level: str
    superadmin: Login
    demo_admin: Login
    demo_agent: Login
    # A journal generation past this many bytes is compacted into a new snapshot.
    journal_max_bytes: int
    # Worker processes per function at most (each runs one invocation at a time, as a Lambda sandbox).
    workers_per_function: int
    # Seconds between two runs of the timers' sweep (EventBridge's rate(1 minute) on AWS).
    timer_seconds: int
    # One worker per function started (its module imported) at start-up, so no first request waits for one.
    warm: bool
    # The console's build (`make console`), served at / (infra/local/console.py).
    console_dir: Path

    @property
    def base_url(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def websocket_url(self) -> str:
        return f"ws://localhost:{self.port}/ws/dashboard/"


def _login(prefix: str, username: str, email: str) -> Login:
    """A seeded login; its password is `<prefix>_PASSWORD`, or random (the seed runs once: on the first start
    the banner prints it, and nobody else ever knows it)."""
    env = os.environ.get
    return Login(
        username=env(f"{prefix}_USERNAME") or username,
        password=env(f"{prefix}_PASSWORD") or secrets.token_urlsafe(12),
        email=env(f"{prefix}_EMAIL") or email,
        env_prefix=prefix,
    )


def _whole_number(name: str, default: int, what: str) -> tuple[int, str]:
    """`name` read as a whole number (`default` when unset or blank), and the text it was read from; not a
    number: SystemExit saying `name` must be `what`."""
    raw = os.environ.get(name, "").strip()
    try:
        return (int(raw) if raw else default), raw
    except ValueError:
        raise SystemExit(f"{name} must be {what}, got {raw!r}") from None


def _port(name: str, default: int) -> int:
    port, raw = _whole_number(name, default, "a port number")
    if not 0 <= port <= 65535:
        raise SystemExit(f"{name} must be a port number, got {raw!r}")
    return port


def _positive(name: str, default: int) -> int:
    value, raw = _whole_number(name, default, "a whole number")
    if value < 1:
        raise SystemExit(f"{name} must be at least 1, got {raw!r}")
    return value


def _switch(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in ("0", "1"):
        raise SystemExit(f"{name} must be 0 or 1, got {raw!r}")
    return raw == "1"


def from_env() -> Config:
    return Config(
        # Loopback unless asked: the stack has seeded logins and the unauthenticated @connections API.
        host=os.environ.get("NIOCHAT_HOST") or "127.0.0.1",
        port=_port("NIOCHAT_PORT", 8010),
        moto_port=_port("NIOCHAT_MOTO_PORT", 0),
        data_dir=Path(os.environ.get("NIOCHAT_DATA_DIR") or ".niochat").resolve(),
        log_level=(os.environ.get("NIOCHAT_LOG_LEVEL") or "INFO").upper(),
        superadmin=_login("NIOCHAT_ADMIN", "admin", "admin@niochat.local"),
        demo_admin=_login("NIOCHAT_DEMO_ADMIN", "demo-admin", "demo-admin@provedor-demo.local"),
        demo_agent=_login("NIOCHAT_DEMO_AGENT", "demo-agent", "demo-agent@provedor-demo.local"),
        journal_max_bytes=_positive("NIOCHAT_JOURNAL_MAX_MB", 64) * 1024 * 1024,
        workers_per_function=_positive("NIOCHAT_WORKERS", 4),
        timer_seconds=_positive("NIOCHAT_TIMER_SECONDS", 5),
        warm=_switch("NIOCHAT_WARM", True),
        console_dir=Path(os.environ.get("NIOCHAT_CONSOLE_DIR") or CONSOLE_DIST),
    )
