"""The interface every provider client implements, and what it returns or raises.

Outbound messages (niochat.messages) and inbound media downloads (niochat.webhooks) depend only on this
module; `client_for(inbox)` picks the implementation from the inbox's `settings.provider`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol


class SendResult(NamedTuple):
    external_id: str  # the provider's id of the message we sent
    raw: Mapping[str, Any] = MappingProxyType({})  # the provider's answer
    # Other spellings of the same id the provider's webhooks may carry (Uazapi: `<owner>:<messageid>`).
    aliases: tuple[str, ...] = ()


class Attachment(NamedTuple):
    """A file to send: our media kind (image, video, audio, voice, document, sticker), its bytes, and what we know
    of it."""

    media_type: str
    content: bytes
    mime_type: str | None
    file_name: str | None


class MediaFile(NamedTuple):
    content: bytes
    mime_type: str
    file_name: str | None = None


# What clients are told when a provider call fails: a fixed message per kind, never the provider's own words
# nor the network error (those are `detail` and `body`, for the log only: a failure's text returned to the
# caller would tell which addresses and ports answer).
NO_ANSWER = "O provedor de WhatsApp não respondeu"
PROVIDER_REFUSED = "O provedor de WhatsApp recusou a operação"  # + " (HTTP <status>)"
PROVIDER_FAILED = "O provedor de WhatsApp falhou"  # + " (HTTP <status>)"
INVALID_ANSWER = "Resposta inválida do provedor de WhatsApp"
TOO_MANY_REDIRECTS = "O provedor de WhatsApp redirecionou a chamada vezes demais"
PROVIDER_ADDRESS_REFUSED = "Endereço do provedor recusado"
MEDIA_ADDRESS_REFUSED = "Endereço de mídia recusado"


class ProviderError(Exception):
    """The provider refused or failed. `status` is its HTTP status (None: no answer, e.g. a timeout).

    `message` is what an API response or a stored message may carry (fixed texts of ours); `detail` (what
    happened, in the provider's or the network's words) and `body` (an excerpt of the provider's answer) are
    for the log only."""

    def __init__(
        self, message: str, status: int | None = None, body: str | None = None, detail: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body
        self.detail = detail


class ProviderClient(Protocol):
    def send_text(self, number: str, text: str, reply_to: str | None = None) -> SendResult: ...

    def send_media(self, number: str, file: Attachment, caption: str | None) -> SendResult: ...

    def react(self, number: str, external_id: str, reaction: str, from_me: bool) -> SendResult: ...

    def delete(self, number: str, external_id: str, from_me: bool) -> None: ...

    def download_media(self, external_id: str, delivery: dict[str, Any]) -> MediaFile:
        """The media of an inbound message; `delivery` is the webhook's payload (Evolution may carry the
        media inline as base64 or a URL)."""
        ...
