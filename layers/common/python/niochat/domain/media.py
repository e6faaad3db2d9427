"""Message files: the safe name a file is kept under, where it lives in S3 and where the API serves it.

A file is `pending` until it is in S3 (`ready`, with its `media_key`); the API serves it at
`/api/media/messages/<conversation>/<message id>-<safe name>/`, and S3 keeps it at
`media/<provedor>/<conversation>/<message id>-<safe name>`.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

MAX_NAME_CHARS = 100
PENDING = "pending"
READY = "ready"
# Every download attempt failed (`media_error` says why).
FAILED = "failed"
TOO_LARGE = "too_large"
# What WhatsApp sends most, where the system's mime table has no answer or another one (audio/ogg: .oga).
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "audio/ogg": ".ogg",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/aac": ".aac",
    "video/mp4": ".mp4",
    "video/3gpp": ".3gp",
    "application/pdf": ".pdf",
}


class MessageFile(TypedDict):
    """A message's file fields (merged into the message item)."""

    file_name: str  # the safe name
    original_file_name: NotRequired[str | None]
    mime_type: NotRequired[str | None]
    file_size: NotRequired[int | None]
    media_status: str  # pending | ready | too_large | failed
    media_key: NotRequired[str]  # the S3 key, once the file is there


def _base_mime(mime_type: str | None) -> str:
    return (mime_type or "").split(";", 1)[0].strip().lower()


def safe_file_name(name: str | None, mime_type: str | None, media_type: str) -> str:
    """ASCII letters, digits, '.', '_' and '-' only (safe in an S3 key and a URL path), without any folder
    part, extension kept or taken from the mime type, at most 100 characters."""
    base = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    folded = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    folded = re.sub(r"[^A-Za-z0-9._-]+", "_", folded).strip("._-")
    mime = _base_mime(mime_type)
    extension = (EXTENSIONS.get(mime) or mimetypes.guess_extension(mime) or "") if mime else ""
    if not folded:
        folded = f"{media_type}{extension}"
    elif "." not in folded and extension:
        folded += extension
    if len(folded) > MAX_NAME_CHARS:
        _, dot, ext = folded.rpartition(".")
        ext = ext if dot and len(ext) <= 10 else ""
        folded = folded[: MAX_NAME_CHARS - len(ext) - 1].rstrip("._-") + (f".{ext}" if ext else "")
    return folded


def new_file(original_name: str | None, mime_type: str | None, size: int | None, media_type: str) -> MessageFile:
    """A file not in S3 yet (`pending`): its safe name, and what the sender said of it."""
    name = safe_file_name(original_name, mime_type, media_type)
    return {
        "file_name": name,
        "original_file_name": original_name or name,
        "mime_type": mime_type,
        "file_size": size,
        "media_status": PENDING,
    }


def stored(file: MessageFile, key: str) -> MessageFile:
    """The file once it is in S3 at `key`."""
    return {**file, "media_key": key, "media_status": READY}


def plays_inline(mime_type: str | None) -> bool:
    """Whether a browser may show the file in place: images (not SVG, which can carry scripts), audio, video."""
    base = _base_mime(mime_type)
    return base.split("/", 1)[0] in ("image", "audio", "video") and base != "image/svg+xml"


def object_key(provedor_id: int, conversation_id: int, message_id: int, file_name: str) -> str:
    return f"media/{provedor_id}/{conversation_id}/{message_id}-{file_name}"


def served_name(message: Mapping[str, Any]) -> str | None:
    """The file name the media endpoint serves a message's file under, when it has one."""
    key = message.get("media_key")
    if isinstance(key, str) and key:
        return key.rsplit("/", 1)[-1]
    if message.get("file_name"):
        return f"{message['id']}-{message['file_name']}"
    return None


def served_path(conversation_id: int, name: str) -> str:
    """Where the API serves a file (auth and tenant checked there, then a redirect to a presigned URL)."""
    return f"/api/media/messages/{conversation_id}/{name}/"
