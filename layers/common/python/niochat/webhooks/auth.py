"""Which inbox a delivery belongs to, proven by what it carries: the secret of the inbox's webhook URL
(`?secret=`), or the provider's own instance token (Uazapi `token`) / API key (Evolution `apikey`) equal to the
inbox's configured one. No proof, or a wrong one, is a 401 before anything is stored."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from niochat.domain.inboxes import Inbox
from niochat.errors import AuthenticationError
from niochat.inboxes.service import find_for_webhook
from niochat.webhooks.parse import Delivery

logger = Logger(child=True)
REFUSED = "Webhook não autenticado: informe o segredo da URL ou o token da instância"


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
