"""Login, logout, token authentication and the session timeout."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from niochat import clock
from niochat.auth import limits
from niochat.auth.passwords import dummy_hash, verify_password
from niochat.domain.users import (
    SESSION_TIMEOUT_MAX,
    SESSION_TIMEOUT_MIN,
    Principal,
    User,
    principal_from_session,
    session_snapshot,
)
from niochat.errors import AuthenticationError, PermissionDenied, PlainError
from niochat.settings import get_settings
from niochat.store import provedores, tokens, users

PROVEDOR_SUSPENDED = "Provedor suspenso. Entre em contato com o suporte"
USER_INACTIVE = "Usuário inativo"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def login(login_name: str, password: str, source_ip: str | None = None) -> str:
    """Check the credentials and return a new token (40 hex characters). The attempt is counted against the
    account's and the source address's budgets before the password is checked (niochat.auth.limits)."""
    settings = get_settings()
    now = int(clock.now())
    user = users.get_by_login(login_name)
    attempt = limits.admit(user, login_name, source_ip, now)
    stored_hash = user["password_hash"] if user else dummy_hash(settings.password_hash_cost)
    if not verify_password(password, stored_hash) or user is None:
        raise AuthenticationError("Usuário ou senha inválidos")
    attempt.succeeded()
    if not user.get("is_active", True):
        raise PermissionDenied(USER_INACTIVE)
    provedor_id = user.get("provedor_id")
    if provedor_id is not None:
        provedor = provedores.get(provedor_id)
        if provedor is None or not provedor.get("is_active", True):
            raise PermissionDenied(PROVEDOR_SUSPENDED)

    raw = secrets.token_hex(20)
    tokens.put(hash_token(raw), {**session_snapshot(user), "provedor_active": True}, now)
    users.update(user["id"], {"last_login": clock.iso(now)})
    return raw


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


def me(principal: Principal) -> User:
    """The caller's user (shown by niochat.directory.views.me)."""
    user = users.get(principal.user_id)
    if user is None:  # deleted between the token read and now
        raise AuthenticationError()
    return user


def set_session_timeout(principal: Principal, body: dict[str, Any]) -> dict[str, Any]:
    value = body.get("timeout")
    if value is None or value == "":
        raise PlainError("Timeout da sessão não fornecido")
    try:
        minutes = int(value)
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
    except (TypeError, ValueError):
        raise PlainError("Timeout da sessão deve ser um número inteiro de minutos") from None
    if not SESSION_TIMEOUT_MIN <= minutes <= SESSION_TIMEOUT_MAX:
        raise PlainError(f"Timeout da sessão deve estar entre {SESSION_TIMEOUT_MIN} e {SESSION_TIMEOUT_MAX} minutos")
    users.update(principal.user_id, {"session_timeout": minutes, "updated_at": clock.iso()})
    refresh_sessions(principal.user_id)
    return {"message": "Timeout da sessão atualizado com sucesso", "session_timeout": minutes}


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
