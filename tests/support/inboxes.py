"""Inboxes written straight to the store, for tests and benchmarks that need one without the API."""

from __future__ import annotations

from typing import Any

from niochat import clock
from niochat.domain.inboxes import new_inbox
from niochat.store import inboxes


def stored_inbox(
    provedor_id: int,
    inbox_id: int,
    *,
    secret: str,
    name: str = "WhatsApp",
    channel_type: str = "whatsapp",
    settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An active inbox with `secret` as its webhook secret but no pointer from it (nothing delivers to it), and
    `settings` (none: no provider configured)."""
    item = new_inbox(
        inbox_id,
        provedor_id,
        name=name,
        channel_type=channel_type,
        channel=None,
        is_active=True,
        settings=settings or {},
        webhook_secret=secret,
        webhook_secret_hash=inboxes.digest(secret),
        webhook_url="http://localhost/webhook/?secret=",
        now=clock.iso(),
    )
    inboxes.create(provedor_id, item, [])
    return dict(item)
