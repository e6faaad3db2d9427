"""The interface every provider client implements, and what it returns or raises.

Outbound messages (niochat.messages) and inbound media downloads (niochat.webhooks) depend only on this
module; `client_for(inbox)` picks the implementation from the inbox's `settings.provider`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class SendResult:
    external_id: str  # the provider's id of the message we sent
    raw: dict[str, Any] = field(default_factory=dict)
    # Other spellings of the same id the provider's webhooks may carry (Uazapi: `<owner>:<messageid>`).
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class MediaFile:
    content: bytes
    mime_type: str
    file_name: str | None = None


class ProviderError(Exception):
    """The provider refused or failed. `status` is its HTTP status (None: no answer, e.g. a timeout)."""

    def __init__(self, message: str, status: int | None = None, body: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body


class ProviderClient(Protocol):
    def send_text(self, number: str, text: str, reply_to: str | None = None) -> SendResult: ...

    def send_media(
        self,
        number: str,
        media_type: str,
        content: bytes,
        mime_type: str | None,
        file_name: str | None,
        caption: str | None,
    ) -> SendResult: ...

    def react(self, number: str, external_id: str, reaction: str, from_me: bool) -> SendResult: ...

    def delete(self, number: str, external_id: str, from_me: bool) -> None: ...

    def download_media(self, external_id: str, delivery: dict[str, Any]) -> MediaFile:
        """The media of an inbound message; `delivery` is the webhook's payload (Evolution may carry the
        media inline as base64 or a URL)."""
        ...
