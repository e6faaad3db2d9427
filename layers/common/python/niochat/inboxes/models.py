"""Request models for inboxes; each channel's `settings` are validated by niochat.inboxes.channel_settings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StrictBool, StrictInt

from niochat.domain import validation
from niochat.inboxes.channel_settings import validate_settings
from niochat.models import RequestModel

ChannelType = Literal["whatsapp", "telegram", "email", "webchat"]

Name = Annotated[str, Field(min_length=1, max_length=validation.MAX_NAME), AfterValidator(validation.name)]


def channel_settings(channel_type: str, raw: dict[str, Any] | None) -> dict[str, Any]:
    """`settings` validated for `channel_type` (niochat.inboxes.channel_settings); a 400 names the inner field."""
    return validate_settings(channel_type, raw)


class InboxCreate(RequestModel):
    name: Name
    channel_type: ChannelType
    provedor: StrictInt | None = None  # required for a superadmin (niochat.tenancy)
    settings: dict[str, Any] | None = None
    is_active: StrictBool = True
    channel: StrictInt | None = None  # the seed's `channel` id, kept as given


class InboxReplace(RequestModel):
    """PUT: every writable field; `settings` replaces the stored settings (omitted optional fields reset)."""

    name: Name
    channel_type: ChannelType
    provedor: StrictInt | None = None
    settings: dict[str, Any] | None = None
    is_active: StrictBool = True
    channel: StrictInt | None = None


class InboxPatch(RequestModel):
    """PATCH: only the fields sent; `settings` is merged key by key into the stored settings."""

    name: Name | None = None
    channel_type: ChannelType | None = None
    provedor: StrictInt | None = None
    settings: dict[str, Any] | None = None
    is_active: StrictBool | None = None
    channel: StrictInt | None = None


class InboxQuery(RequestModel):
    provedor: int | None = None
