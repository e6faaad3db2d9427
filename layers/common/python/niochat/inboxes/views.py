"""Inboxes as the API shows them: secrets masked in every response but the one that creates the inbox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from niochat.domain.inboxes import Inbox
from niochat.domain.masking import mask_secrets
from niochat.views import fields_of

if TYPE_CHECKING:
    from niochat.inboxes.service import Created


class InboxView(TypedDict):
    id: int
    name: str
    channel_type: str
    channel: int | None
    is_active: bool
    provedor: int
    settings: dict[str, Any]
    webhook_url: str | None
    webhook_secret: str | None
    connection_status: str | None
    created_at: str
    updated_at: str


class InboxSummary(TypedDict):
    """An inbox as a conversation (or its contact) shows it."""

    id: int
    name: str
    channel_type: str
    is_active: bool
    created_at: str
    provedor: int


def _masked_settings(channel_type: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The settings with what the channel's model declares secret masked, at any depth, and any key it does
    not declare (niochat.inboxes.channel_settings)."""
    from niochat.inboxes.channel_settings import secrets_of  # pydantic: only the inboxes function shows settings

    masked: dict[str, Any] = mask_secrets(settings, secrets_of(channel_type))
    return masked


def inbox(item: Inbox) -> InboxView:
    """The inbox as every response after its creation shows it: secrets masked."""
    return fields_of(
        InboxView,
        item,
        is_active=bool(item.get("is_active", True)),
        provedor=item["provedor_id"],
        settings=_masked_settings(str(item.get("channel_type")), item.get("settings") or {}),
        webhook_url=item.get("webhook_url_masked"),
        webhook_secret=item.get("webhook_secret_masked"),
    )


def created(result: Created) -> InboxView:
    """The one response that shows the webhook secret, its URL and the provider token in full (to the admin
    who created the inbox)."""
    shown = inbox(result.inbox)
    shown.update(
        {
            "settings": dict(result.inbox.get("settings") or {}),
            "webhook_secret": result.webhook_secret,
            "webhook_url": result.webhook_url,
        }
    )
    return shown


def rotated(result: Created) -> InboxView:
    """The inbox after a rotation of its webhook secret: the new secret and its URL in full, this once (to the
    admin who rotated it); the settings masked as everywhere else."""
    shown = inbox(result.inbox)
    shown.update({"webhook_secret": result.webhook_secret, "webhook_url": result.webhook_url})
    return shown


def summary(item: Inbox | None) -> InboxSummary | None:
    if item is None:
        return None
    return fields_of(InboxSummary, item, provedor=item["provedor_id"])
