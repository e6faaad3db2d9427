"""Chat files in S3: `chat/<provedor>/<room-<id> | dm-<low>-<high>>/<message id>-<safe name>`, stored before
the message that names it, served through the chat endpoints (participants only) as a short-lived link."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from niochat.domain import media as files
from niochat.domain.chat import ChatFile, pair
from niochat.messages.multipart import Upload
from niochat.store import bucket

logger = Logger(child=True)


def kind_of(mime_type: str) -> str:
    """The message type a file makes: image, audio, video or file."""
    head = mime_type.split("/", 1)[0]
    return head if head in ("image", "audio", "video") else "file"


def folder(provedor_id: int, room: int | None, sender: int, recipient: int | None) -> str:
    if room is not None:
        return f"chat/{provedor_id}/room-{room}"
    low, high = pair(sender, int(recipient or 0))
    return f"chat/{provedor_id}/dm-{low}-{high}"


def store_upload(where: str, message_id: int, upload: Upload) -> ChatFile:
    name = files.safe_file_name(upload.filename, upload.content_type, kind_of(upload.content_type))
    key = f"{where}/{message_id}-{name}"
    bucket.put(key, upload.content, upload.content_type)
    return {"key": key, "name": name, "size": len(upload.content), "mime_type": upload.content_type}


def forget(file: ChatFile | None) -> None:
    """Delete a file no message names any more (best effort: an object left behind is only storage)."""
    if not file:
        return
    try:
        bucket.delete(file["key"])
    except Exception:  # S3 being down must not fail the delete the user asked for
        logger.warning("could not delete a chat file", extra={"key": file["key"]}, exc_info=True)


def link(file: ChatFile) -> str:
    return bucket.link(file["key"], file["mime_type"])
