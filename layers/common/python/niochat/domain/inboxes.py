"""Inboxes (channels): the stored item and its one constructor.

The webhook secret is never stored: the inbox keeps its hash (the key of the pointer a delivery is
authenticated with) and a masked copy, and so does the webhook URL that carries it.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict
from urllib.parse import urlsplit

from niochat.domain.masking import mask

UNKNOWN_CONNECTION = "unknown"


class Inbox(TypedDict):
    """An inbox as stored (the store adds keys and the secret and provider-token pointers). Nullable
    fields are NotRequired: the store drops attributes whose value is None, so an item read back lacks them."""

    id: int
    provedor_id: int
    name: str
    channel_type: str
    channel: NotRequired[int | None]  # the seed's `channel` id, kept as given
    is_active: bool
    settings: dict[str, Any]  # validated per channel type (niochat.inboxes.models.channel_settings)
    connection_status: str  # the provider's last reported state
    connection_updated_at: NotRequired[str]
    webhook_secret_hash: str
    webhook_secret_masked: NotRequired[str | None]
    webhook_url_masked: str
    version: int
    created_at: str
    updated_at: str


def new_inbox(
    inbox_id: int,
    provedor_id: int,
    *,
    name: str,
    channel_type: str,
    channel: int | None,
    is_active: bool,
    settings: dict[str, Any],
    webhook_secret: str,
    webhook_secret_hash: str,
    webhook_url: str,
    now: str,
) -> Inbox:
    """`webhook_url`: the delivery URL up to the secret (`…?secret=`); the inbox keeps it masked."""
    return {
        "id": inbox_id,
        "provedor_id": provedor_id,
        "name": name,
        "channel_type": channel_type,
        "channel": channel,
        "is_active": is_active,
        "settings": settings,
        "connection_status": UNKNOWN_CONNECTION,
        **webhook_secret_fields(webhook_secret, webhook_secret_hash, webhook_url),
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


class WebhookSecretFields(TypedDict):
    webhook_secret_hash: str
    webhook_secret_masked: str
    webhook_url_masked: str


def webhook_secret_fields(webhook_secret: str, webhook_secret_hash: str, webhook_url: str) -> WebhookSecretFields:
    """What the inbox keeps of its webhook secret (at creation and at each rotation): the hash and masked
    copies of the secret and of the URL (`webhook_url`: up to the secret, `…?secret=`)."""
    return {
        "webhook_secret_hash": webhook_secret_hash,
        "webhook_secret_masked": mask(webhook_secret) or "",
        "webhook_url_masked": webhook_url + (mask(webhook_secret) or ""),
    }


def provider_origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of a provider URL: the provider token is only ever sent to its inbox's origin."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ("", url, None)
    scheme = parts.scheme.lower()
    return (scheme, (parts.hostname or "").lower(), port or {"http": 80, "https": 443}.get(scheme))
