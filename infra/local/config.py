"""The local stack's settings, read from NIOCHAT_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


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

    @property
    def base_url(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def websocket_url(self) -> str:
        return f"ws://localhost:{self.port}/ws/dashboard/"


def _login(prefix: str, username: str, password: str, email: str) -> Login:
    env = os.environ.get
    return Login(
        username=env(f"{prefix}_USERNAME") or username,
        password=env(f"{prefix}_PASSWORD") or password,
        email=env(f"{prefix}_EMAIL") or email,
        env_prefix=prefix,
    )


def _port(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        port = int(raw) if raw else default
    except ValueError:
        raise SystemExit(f"{name} must be a port number, got {raw!r}") from None
    if not 0 <= port <= 65535:
        raise SystemExit(f"{name} must be a port number, got {raw!r}")
    return port


def from_env() -> Config:
    return Config(
        host=os.environ.get("NIOCHAT_HOST") or "0.0.0.0",
        port=_port("NIOCHAT_PORT", 8010),
        moto_port=_port("NIOCHAT_MOTO_PORT", 0),
        data_dir=Path(os.environ.get("NIOCHAT_DATA_DIR") or ".niochat").resolve(),
        log_level=(os.environ.get("NIOCHAT_LOG_LEVEL") or "INFO").upper(),
        superadmin=_login("NIOCHAT_ADMIN", "admin", "niochat-admin", "admin@niochat.local"),
        demo_admin=_login("NIOCHAT_DEMO_ADMIN", "demo-admin", "niochat-demo", "demo-admin@provedor-demo.local"),
        demo_agent=_login("NIOCHAT_DEMO_AGENT", "demo-agent", "niochat-demo", "demo-agent@provedor-demo.local"),
    )
