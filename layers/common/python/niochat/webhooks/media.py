"""Media of inbound messages: fetched from the provider (`client_for(inbox).download_media`), stored in S3 at
`media/<provedor>/<conversation>/<message id>-<safe file name>`, served by the media endpoint at `file_url`.

The message is stored before its file is fetched, with `media_status: "pending"`. A failed download leaves it
so (file_url null) and `retry_download` fetches it again later (the media endpoint calls it on demand); a file
over the size limit is `too_large` and never fetched. A message is never dropped for its media.
"""

from __future__ import annotations

import json
from typing import Any, cast

from aws_lambda_powertools import Logger

from niochat import clock
from niochat.domain import media as files
from niochat.domain.inboxes import Inbox
from niochat.domain.messages import Message
from niochat.settings import get_settings
from niochat.store import clients
from niochat.store.inbound import message_key
from niochat.store.inboxes import inboxes
from niochat.store.table import table

logger = Logger(child=True)
MAX_SOURCE_BYTES = 16 * 1024
# Fields of a delivery that are big and useless for fetching the file again later.
HEAVY_KEYS = {"base64", "jpegThumbnail", "JPEGThumbnail", "thumbnail", "waveform", "chat", "streamingSidecar"}


def source_of(payload: dict[str, Any], inbox_id: int) -> dict[str, Any]:
    """What a later retry needs of the delivery: the payload without inline files and thumbnails."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in HEAVY_KEYS}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    delivery = strip(payload)
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
        clients.s3().put_object(Bucket=get_settings().media_bucket, Key=key, Body=media.content, ContentType=mime_type)
    except Exception as error:  # a provider error, a timeout, a missing client: the message stays pending
        logger.warning(
            "media download failed; the message keeps file_url null until a retry",
            extra={"provedor_id": provedor_id, "message_id": message["id"], "error": str(error)[:300]},
        )
        changes.update(media_status=files.PENDING, media_error=str(error)[:300] or type(error).__name__)
        return _save(provedor_id, message, changes)
    changes.update(
        media_status=files.READY,
        media_error=None,
        file_url=files.served_path(message["conversation"], f"{message['id']}-{name}"),
        media_key=key,
        mime_type=mime_type,
        file_size=len(media.content),
    )
    return _save(provedor_id, message, changes)


def _save(provedor_id: int, message: Message, changes: dict[str, Any]) -> dict[str, Any]:
    changes["updated_at"] = clock.iso()
    pk, sk = message_key(provedor_id, int(message["conversation"]), int(message["id"]))
    table().set(pk, sk, changes, return_values="NONE")
    return changes


def retry_download(provedor_id: int, message: Message) -> Message:
    """Fetch a pending message's file again (the media endpoint calls this when asked for a missing file).
    Returns the message with its new media fields; a message that is ready, too large or not media is
    returned unchanged."""
    if message.get("media_status") != files.PENDING:
        return message
    source = message.get("media_source") or {}
    inbox_id = source.get("inbox_id") or message.get("inbox_id")
    inbox = inboxes.get(provedor_id, int(inbox_id)) if inbox_id is not None else None
    if inbox is None:
        return message
    return cast(Message, {**message, **fetch(provedor_id, inbox, message, source.get("delivery") or {})})
