"""Which inbox a delivery belongs to, proven by what it carries: the secret of the inbox's webhook URL
(`?secret=`), or the provider's own instance token (Uazapi `token`) / API key (Evolution `apikey`) equal to the
inbox's configured one. No proof, or a wrong one, is a 401 before anything is stored; a delivery for a
suspended provedor is a 403, and nothing is stored either."""

from __future__ import annotations

import hmac
from typing import cast

from aws_lambda_powertools import Logger

from niochat.domain.inboxes import Inbox
from niochat.errors import AuthenticationError, PermissionDenied
from niochat.store import inboxes as store
from niochat.store import keys
from niochat.store.table import table
from niochat.webhooks.parse import Delivery

logger = Logger(child=True)
REFUSED = "Webhook não autenticado: informe o segredo da URL ou o token da instância"
SUSPENDED = "Provedor suspenso: a mensagem não foi registrada"


def find_for_webhook(secret: str | None, provider_token: str | None) -> Inbox | None:
    """The active inbox a webhook delivery belongs to, or None; PermissionDenied when its provedor is suspended.

    The secret from the webhook URL decides when present (a wrong secret is a refusal, not a reason to try the
    token); without one, the provider token the delivery carries. One GetItem finds the pointer, one
    BatchGetItem the inbox and its provedor.
    """
    if secret:
        pointer = store.by_secret(secret) if len(secret) <= 512 else None
    elif provider_token:
        pointer = store.by_token(provider_token) if len(provider_token) <= 512 else None
    else:
        return None
    if pointer is None:
        return None
    provedor_id = int(pointer["provedor_id"])
    inbox_key, provedor_key = store.inboxes.key(provedor_id, int(pointer["inbox_id"])), keys.provedor(provedor_id)
    found = {(item["PK"], item["SK"]): item for item in table().batch_get([inbox_key, provedor_key])}
    inbox, provedor = cast("Inbox | None", found.get(inbox_key)), found.get(provedor_key)
    if inbox is None or not inbox.get("is_active", True) or provedor is None:
        return None
    # The pointer and the inbox are written together; checking again costs nothing and survives any drift.
    expected, given = (
        (str(inbox.get("webhook_secret_hash")), store.digest(secret))
        if secret
        else (store.provider_token_of(inbox) or "", provider_token or "")
    )
    if not hmac.compare_digest(expected.encode(), given.encode()):
        return None
    if not provedor.get("is_active", True):
        raise PermissionDenied(SUSPENDED)
    return inbox


def authenticate(secret: str | None, delivery: Delivery, header_token: str | None = None) -> Inbox:
    """The active inbox the delivery proves it belongs to; AuthenticationError otherwise."""
    token = delivery.proof or header_token
    inbox = find_for_webhook(secret or None, token or None)
    if inbox is None or inbox.get("channel_type", "whatsapp") != "whatsapp":
        raise AuthenticationError(REFUSED)
    configured = (inbox.get("settings") or {}).get("instance")
    if delivery.instance and configured and delivery.instance != configured:
        # Stored in the inbox the proof names, never in the one the payload names.
        logger.warning(
            "delivery names another instance than its inbox",
            extra={"inbox_id": inbox.get("id"), "provedor_id": inbox.get("provedor_id"), "instance": delivery.instance},
        )
    return inbox
