"""Sessions: the token a login hands out, checked on every request (and by the WebSocket's $connect), refreshed
when the user changes, and ended by logout, deactivation or a suspended provedor. Only a token's SHA-256 is stored.
Kept apart from login (niochat.auth.service) so the functions that only authenticate don't import the login's
budgets and password hashing."""

from __future__ import annotations

import hashlib

from niochat import clock
from niochat.domain.users import Principal, principal_from_session, session_snapshot
from niochat.errors import AuthenticationError, PermissionDenied
from niochat.settings import get_settings
from niochat.store import tokens, users

PROVEDOR_SUSPENDED = "Provedor suspenso. Entre em contato com o suporte"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def authenticate(raw_token: str | None) -> Principal:
    """The principal behind a token, or AuthenticationError. One consistent read on the warm path."""
    if not raw_token or len(raw_token) > 128:
        raise AuthenticationError()
    token_hash = hash_token(raw_token)
    session = tokens.get(token_hash)
    if session is None:
        raise AuthenticationError()
    now = int(clock.now())
    timeout_seconds = int(session["session_timeout"]) * 60
    idle = now - int(session["last_used_at"])
    if idle > timeout_seconds:
        tokens.delete(token_hash)
        raise AuthenticationError()
    if not session.get("provedor_active", True):
        raise PermissionDenied(PROVEDOR_SUSPENDED)
    if idle >= min(get_settings().token_touch_seconds, timeout_seconds // 4):
        tokens.touch(token_hash, now, int(session["session_timeout"]))
    return principal_from_session(session, token_hash)


def token_from_header(header: str | None) -> str | None:
    """`Token <t>` or `Bearer <t>` (case-insensitive scheme)."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() not in ("token", "bearer"):
        return None
    return value.strip() or None


def logout(principal: Principal) -> None:
    tokens.delete(principal.token_hash)


def refresh_sessions(user_id: int) -> None:
    """Copy the user's current session fields into each of their tokens (after a change to the user)."""
    user = users.get(user_id)
    if user is None:
        return
    snapshot = session_snapshot(user)
    for token_hash in tokens.hashes_of_user(user_id):
        tokens.update_session(token_hash, snapshot)


def end_sessions(user_id: int) -> None:
    for token_hash in tokens.hashes_of_user(user_id):
        tokens.delete(token_hash)


def set_provedor_sessions_active(provedor_id: int, active: bool) -> None:
    for token_hash in tokens.hashes_of_provedor(provedor_id):
        tokens.update_session(token_hash, {"provedor_active": active})
