"""Login and the caller's own account: who they are and their session timeout (the sessions themselves:
niochat.auth.sessions)."""

from __future__ import annotations

import secrets
from typing import Any

from niochat import clock
from niochat.auth import limits
from niochat.auth.passwords import dummy_hash, verify_password
from niochat.auth.sessions import PROVEDOR_SUSPENDED, hash_token, refresh_sessions
from niochat.domain.users import (
    SESSION_TIMEOUT_MAX,
    SESSION_TIMEOUT_MIN,
    Principal,
    User,
    session_snapshot,
)
from niochat.errors import AuthenticationError, PermissionDenied, PlainError
from niochat.settings import get_settings
from niochat.store import provedores, tokens, users

USER_INACTIVE = "Usuário inativo"


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
