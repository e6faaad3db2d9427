"""Which inbox a delivery belongs to, proven by what it carries: the secret of the inbox's webhook URL
(`?secret=`), or the provider's own instance token (Uazapi `token`) / API key (Evolution `apikey`) equal to the
inbox's configured one. No proof, or a wrong one, is a 401 before anything is stored."""

from __future__ import annotations

import hmac

from aws_lambda_powertools import Logger

from niochat.domain.inboxes import Inbox
from niochat.errors import AuthenticationError
from niochat.store import inboxes as store
from niochat.webhooks.parse import Delivery

logger = Logger(child=True)
REFUSED = "Webhook não autenticado: informe o segredo da URL ou o token da instância"


def find_for_webhook(secret: str | None, provider_token: str | None) -> Inbox | None:
    """The active inbox a webhook delivery belongs to, or None.

    The secret from the webhook URL decides when present (a wrong secret is a refusal, not a reason to try the
    token); without one, the provider token the delivery carries. One GetItem finds the pointer, one the inbox.
    """
    if secret:
        pointer = store.by_secret(secret) if len(secret) <= 512 else None
    elif provider_token:
        pointer = store.by_token(provider_token) if len(provider_token) <= 512 else None
    else:
        return None
    if pointer is None:
        return None
    inbox = store.inboxes.get(int(pointer["provedor_id"]), int(pointer["inbox_id"]))
    if inbox is None or not inbox.get("is_active", True):
        return None
    # The pointer and the inbox are written together; checking again costs nothing and survives any drift.
    expected, given = (
        (str(inbox.get("webhook_secret_hash")), store.digest(secret))
        if secret
        else (store.provider_token_of(inbox) or "", provider_token or "")
    )
    return inbox if hmac.compare_digest(expected.encode(), given.encode()) else None


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
