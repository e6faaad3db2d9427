"""Settings read from the environment, once per process."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import NamedTuple


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _ints(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    raw = os.environ.get(name, "").strip()
    return tuple(int(part) for part in raw.split(",") if part.strip()) if raw else default


class Settings(NamedTuple):
    table_name: str
    media_bucket: str
    # https endpoint of the WebSocket API's @connections management API (stage URL).
    websocket_endpoint: str
    # Base URL that webhook URLs shown to admins start with (the webhooks Function URL on AWS).
    webhook_base_url: str
    # scrypt cost parameter N = 2 ** password_hash_cost.
    password_hash_cost: int
    # Failed-login budgets (niochat.auth.limits, docs/api-decisions.md "Login limiting"): attempts per account
    # (a user, whichever name it is logged in by; an unknown name has one of its own) in a window, and per
    # source IP in a fixed window. A spent account budget locks it for login_lock_seconds, doubling at each
    # further lock up to login_lock_max_seconds.
    login_max_failures: int
    login_window_seconds: int
    login_ip_max_failures: int
    login_lock_seconds: int
    login_lock_max_seconds: int
    # A token's last-use time is written at most this often (sliding expiry without a write per request).
    token_touch_seconds: int
    media_max_bytes: int
    events_retention_hours: int
    # Waits before each new download attempt of an inbound file (after the first, at delivery); then `failed`.
    media_retry_seconds: tuple[int, ...]
    # An outbound message still `sending` this long after it was stored becomes `failed` (retryable).
    sending_timeout_seconds: int
    # PROVIDER_ALLOW_LOOPBACK=1: provider requests may go to loopback (127.0.0.0/8, ::1), and only that
    # beyond public addresses (niochat.channels.egress). Local development only: off unless set, never on AWS.
    provider_allow_loopback: bool


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings(
        table_name=os.environ.get("TABLE_NAME", "niochat"),
        media_bucket=os.environ.get("MEDIA_BUCKET", "niochat-media"),
        websocket_endpoint=os.environ.get("WEBSOCKET_API_ENDPOINT", ""),
        webhook_base_url=os.environ.get("WEBHOOK_BASE_URL", "").rstrip("/"),
        password_hash_cost=_int("PASSWORD_HASH_COST", 15),
        login_max_failures=_int("LOGIN_MAX_FAILURES", 10),
        login_window_seconds=_int("LOGIN_WINDOW_SECONDS", 15 * 60),
        login_ip_max_failures=_int("LOGIN_IP_MAX_FAILURES", 100),
        login_lock_seconds=_int("LOGIN_LOCK_SECONDS", 60),
        login_lock_max_seconds=_int("LOGIN_LOCK_MAX_SECONDS", 15 * 60),
        token_touch_seconds=_int("TOKEN_TOUCH_SECONDS", 60),
        media_max_bytes=_int("MEDIA_MAX_BYTES", 64 * 1024 * 1024),
        events_retention_hours=_int("EVENTS_RETENTION_HOURS", 48),
        media_retry_seconds=_ints("MEDIA_RETRY_SECONDS", (60, 300, 1800)),
        sending_timeout_seconds=_int("SENDING_TIMEOUT_SECONDS", 120),
        provider_allow_loopback=_flag("PROVIDER_ALLOW_LOOPBACK"),
    )


def console_origin() -> str:
    """CONSOLE_ORIGIN: the origin (scheme://host) of the agents' console when it is served from another origin
    than the API (CloudFront on AWS: the stack sets it on the REST functions). The REST functions answer that
    origin's requests with CORS headers (niochat.http.app); empty (the local stack, which serves the console
    and the API from one origin), no CORS headers at all. Read when a function's resolver is made."""
    return os.environ.get("CONSOLE_ORIGIN", "").strip().rstrip("/")


def reset() -> None:
    """Forget the settings read from the environment (tests and the local runtime change it)."""
    get_settings.cache_clear()
