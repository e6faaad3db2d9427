"""The caller of a REST request."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from niochat.auth.sessions import authenticate, token_from_header
from niochat.domain.users import Principal
from niochat.errors import PermissionDenied


def principal(app: APIGatewayRestResolver) -> Principal:
    """Authenticate the request's `Authorization: Token|Bearer <token>` header (401 otherwise)."""
    headers = app.current_event.headers or {}
    header = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
    return authenticate(token_from_header(header))


def admin(app: APIGatewayRestResolver) -> Principal:
    caller = principal(app)
    if not caller.is_admin:
        raise PermissionDenied()
    return caller


def superadmin(app: APIGatewayRestResolver) -> Principal:
    caller = principal(app)
    if not caller.is_superadmin:
        raise PermissionDenied()
    return caller
