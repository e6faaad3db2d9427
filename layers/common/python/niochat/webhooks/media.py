"""Media of inbound messages: fetched from the provider (`client_for(inbox).download_media`), stored in S3 at
`media/<provedor>/<conversation>/<message id>-<safe file name>`, served by the media endpoint at `file_url`.

The message is stored before its file is fetched, with `media_status: "pending"`. A failed download leaves it
so (file_url null) and schedules a `media_download` timer in the same write: the timers' sweep fetches it again
after each wait of `MEDIA_RETRY_SECONDS` (default 60, 300, 1800 s), without anyone opening it. When the last
attempt fails the message is `failed`, with the reason in `media_error`: a fixed text of ours per kind of
failure ("O provedor de WhatsApp não respondeu", "Endereço de mídia recusado", …), never the provider's or the
network's words, which go to the log. A file over the size limit is `too_large` and never fetched. A message is
never dropped for its media. Each failed attempt is counted by what it left: `pending` or `failed`
(niochat.metrics.MEDIA_DOWNLOAD_FAILURES).
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger

from niochat import clock, metrics
from niochat.channels.base import ProviderError
from niochat.channels.factory import InvalidProviderSettings
from niochat.domain import media as files
from niochat.domain.inboxes import Inbox
from niochat.domain.messages import Message
from niochat.settings import get_settings
from niochat.store import bucket, due, messages
from niochat.store.inboxes import inboxes
from niochat.store.table import table
from niochat.store.writes import ConditionFailed, Operation
from niochat.timers.kinds import MEDIA_DOWNLOAD

logger = Logger(child=True)
MAX_SOURCE_BYTES = 16 * 1024
# Fields of a delivery that are big and useless for fetching the file again later.
HEAVY_KEYS = {"base64", "jpegThumbnail", "JPEGThumbnail", "thumbnail", "waveform", "chat", "streamingSidecar"}
# The delivery's proof (Uazapi `token`, Evolution `apikey`): a secret, never kept with a message (a retry
# uses the inbox's own configured credentials).
PROOF_KEYS = {"token", "apikey"}
FAILED_OTHERWISE = "Falha ao baixar ou guardar o arquivo"


def source_of(payload: dict[str, Any], inbox_id: int) -> dict[str, Any]:
    """What a later retry needs of the delivery: the payload without inline files and thumbnails."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in HEAVY_KEYS}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    delivery = {k: v for k, v in strip(payload).items() if k not in PROOF_KEYS}
    if len(json.dumps(delivery, default=str)) > MAX_SOURCE_BYTES:
        delivery = {}
    return {"inbox_id": inbox_id, "delivery": delivery}


def provider_client(inbox: Inbox) -> Any:
    """The inbox's provider client (niochat.channels picks Uazapi or Evolution from `settings.provider`)."""
    from niochat.channels import client_for

    return client_for(inbox)


def _limit(inbox: Inbox) -> int:
    configured = (inbox.get("settings") or {}).get("media_max_bytes")
    return int(configured) if isinstance(configured, int) and configured > 0 else get_settings().media_max_bytes


def fetch(provedor_id: int, inbox: Inbox, message: Message, delivery: dict[str, Any]) -> dict[str, Any]:
    """Fetch and store the message's file; returns (and writes) the message's changed fields."""
    limit = _limit(inbox)
    attempts = int(message.get("media_attempts") or 0) + 1
    changes: dict[str, Any] = {"media_attempts": attempts, "media_attempted_at": clock.iso()}
    size = message.get("file_size")
    if size and int(size) > limit:
        changes.update(media_status=files.TOO_LARGE, media_error=f"maior que {limit} bytes")
        return _save(provedor_id, message, changes)
    try:
        media = provider_client(inbox).download_media(str(message["external_id"]), delivery)
        if len(media.content) > limit:
            changes.update(
                media_status=files.TOO_LARGE, media_error=f"maior que {limit} bytes", file_size=len(media.content)
            )
            return _save(provedor_id, message, changes)
        mime_type = message.get("mime_type") or media.mime_type or "application/octet-stream"
        name = message["file_name"]
        key = files.object_key(provedor_id, message["conversation"], message["id"], name)
        bucket.put(key, media.content, mime_type)
    except Exception as error:  # a provider error, a timeout, a missing client: tried again later, or failed
        reason = _reason(error)
        detail = getattr(error, "detail", None) or str(error)
        logger.warning(
            "media download failed",
            extra={"provedor_id": provedor_id, "message_id": message["id"], "attempt": attempts, "error": reason,
                   "kind": type(error).__name__, "detail": detail[:500]},
        )  # fmt: skip
        retry_at = _next_attempt(attempts)
        after = _after_failure(attempts, reason, retry_at)
        metrics.count(metrics.MEDIA_DOWNLOAD_FAILURES, outcome=after["media_status"])
        return _save(provedor_id, message, {**changes, **after}, retry_at)
    changes.update(
        media_status=files.READY,
        media_error=None,
        file_url=files.served_path(message["conversation"], f"{message['id']}-{name}"),
        media_key=key,
        mime_type=mime_type,
        file_size=len(media.content),
    )
    return _save(provedor_id, message, changes)


def _reason(error: Exception) -> str:
    """What `media_error` says of a failed attempt: the provider client's fixed message (niochat.channels.base),
    the inbox's missing settings, or one text for anything else (an S3 error, a bug)."""
    if isinstance(error, ProviderError | InvalidProviderSettings):
        return str(error)[:300]
    return FAILED_OTHERWISE


def _next_attempt(attempts: int) -> float | None:
    """When to try again after failed attempt number `attempts` (MEDIA_RETRY_SECONDS), None after the last."""
    waits = get_settings().media_retry_seconds
    return clock.now() + waits[attempts - 1] if attempts <= len(waits) else None


def _after_failure(attempts: int, reason: str, retry_at: float | None) -> dict[str, Any]:
    """The message's media fields after a failed attempt: pending until `retry_at`, or failed for good."""
    if retry_at is None:
        return {"media_status": files.FAILED, "media_error": f"{attempts} tentativas sem sucesso: {reason}",
                "media_next_attempt_at": None}  # fmt: skip
    return {"media_status": files.PENDING, "media_error": reason, "media_next_attempt_at": clock.iso(retry_at)}


def _save(provedor_id: int, message: Message, changes: dict[str, Any], retry_at: float | None = None) -> dict[str, Any]:
    """Write the message's changed media fields, and the `media_download` timer at `retry_at` when given."""
    changes["updated_at"] = clock.iso()
    operations: list[Operation] = [messages.update_op(provedor_id, message, changes)]
    if retry_at is not None:
        args = {"conversation_id": int(message["conversation"]), "message_id": int(message["id"])}
        operations.append(due.schedule_op(provedor_id, MEDIA_DOWNLOAD, str(message["id"]), retry_at, args))
    try:
        table().transact(operations)
    except ConditionFailed:
        logger.warning("the message was deleted before its file was saved", extra={"message_id": message["id"]})
    return changes


def retry_scheduled(provedor_id: int, conversation_id: int, message_id: int) -> None:
    """The `media_download` timer: fetch a pending message's file again (nothing to do once it is not
    pending). A message whose inbox is gone fails for good: there is no provider left to ask."""
    message = messages.read(provedor_id, conversation_id, message_id)
    if message is None or message.get("media_status") != files.PENDING:
        return
    source = message.get("media_source") or {}
    inbox_id = source.get("inbox_id") or message.get("inbox_id")
    inbox = inboxes.get(provedor_id, int(inbox_id)) if inbox_id is not None else None
    if inbox is None:
        _save(provedor_id, message, {"media_status": files.FAILED, "media_error": "a caixa de entrada foi removida",
                                     "media_next_attempt_at": None})  # fmt: skip
        return
    fetch(provedor_id, inbox, message, source.get("delivery") or {})
