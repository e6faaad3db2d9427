"""Messages as the API shows them: the seed's fields plus status, file name and type, sender, update time
and the last provider error. `file_url` is the API's media URL (absolute), never an S3 key."""

from __future__ import annotations

from typing import Any

from niochat.messages.media import served_name
from niochat.store.table import Item

FIELDS = (
    "id", "conversation", "message_type", "media_type", "file_url", "content", "is_from_customer", "created_at",
    "external_id", "additional_attributes", "status", "file_name", "mime_type", "sender", "updated_at", "error",
)  # fmt: skip


def file_url(message: Item, api_root: str) -> str | None:
    """`<api root>/api/media/messages/<conversation>/<file>/` once the file is in S3, else null."""
    if message.get("media_key"):
        return f"{api_root}/api/media/messages/{message['conversation']}/{served_name(message)}/"
    stored = message.get("file_url")
    if isinstance(stored, str) and stored.startswith("/api/media/"):
        return api_root + stored
    return None


def public(message: Item, api_root: str) -> dict[str, Any]:
    data = {name: message.get(name) for name in FIELDS}
    data["file_url"] = file_url(message, api_root)
    data["additional_attributes"] = message.get("additional_attributes") or {}
    data["is_from_customer"] = bool(message.get("is_from_customer"))
    return data


def public_list(items: list[Item], api_root: str) -> list[dict[str, Any]]:
    return [public(message, api_root) for message in items]
