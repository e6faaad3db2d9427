"""Which message file a request may have: the media endpoint's lookups (the bucket itself: niochat.store.files).

Key: `media/<provedor>/<conversation>/<message id>-<safe file name>` (niochat.domain.media, for both paths),
served at `/api/media/messages/<conversation>/<message id>-<safe file name>/`. The endpoint finds the message
by the id in the file name, inside the caller's provedor and the conversation in the path, and takes the key
from the message: a request can never name another provedor's object.
"""

from __future__ import annotations

import re
from typing import Any

from niochat.domain import media as files
from niochat.domain.media import served_name
from niochat.domain.messages import Message
from niochat.domain.users import Principal
from niochat.errors import NotFound
from niochat.messages import access
from niochat.store import messages
from niochat.store.inboxes import inboxes
from niochat.store.table import table

FILE_NAME = re.compile(r"^(\d{1,16})-([A-Za-z0-9._-]{1,120})$")
NOT_FOUND = "Arquivo não encontrado"


def file_for(caller: Principal, provedor_id: int, conversation_id: int, file_name: str) -> tuple[str, str | None]:
    """The S3 key and type of a file the caller may read: its conversation visible to them, the message in it."""
    access.readable(caller, provedor_id, conversation_id)  # 404 when the caller can't see the conversation
    match = FILE_NAME.match(file_name)
    if match is None:
        raise NotFound(NOT_FOUND)
    message = messages.get(provedor_id, int(match[1]))
    if message is None or int(message["conversation"]) != conversation_id or served_name(message) != file_name:
        raise NotFound(NOT_FOUND)
    if not message.get("media_key"):
        raise _not_stored(message)
    key = message.get("media_key")
    if not isinstance(key, str) or not key.startswith(f"media/{provedor_id}/{conversation_id}/"):
        raise NotFound(NOT_FOUND)
    return key, message.get("mime_type")


def _not_stored(message: Message) -> NotFound:
    """A file not in S3: still being fetched by the timers (pending), or never available (failed, too large)."""
    details: dict[str, Any] = {"message_id": message["id"], "media_status": message.get("media_status")}
    if message.get("media_status") == files.PENDING:
        details["next_attempt_at"] = message.get("media_next_attempt_at")
        return NotFound(
            "O arquivo desta mensagem ainda não foi baixado do WhatsApp; tente novamente em instantes", details
        )
    if message.get("media_error"):
        details["media_error"] = message.get("media_error")
    return NotFound("O arquivo desta mensagem não está disponível", details)


MAX_INBOXES = 100  # a provedor's inboxes a provider file id is looked up in (one Query, one BatchGetItem)


def file_by_provider_id(caller: Principal, provedor_id: int, file_id: str) -> tuple[str, str | None]:
    """GET /api/uazapi/file/{file_id}/: the file of the message the provider knows as `file_id`, looked up in
    the caller's provedor only (its inboxes' provider-id items), for a caller who may see its conversation. A
    file still pending is fetched from the provider now, once, before answering."""
    if not file_id or len(file_id) > 200 or any(ch.isspace() or ch == "/" for ch in file_id):
        raise NotFound(NOT_FOUND)
    inbox_ids = [int(i["id"]) for i in table().query(inboxes.pk(provedor_id), limit=MAX_INBOXES).items]
    pointers = table().batch_get([messages.external_key(provedor_id, inbox_id, file_id) for inbox_id in inbox_ids])
    if not pointers:
        raise NotFound(NOT_FOUND)
    conversation_id, message_id = int(pointers[0]["conversation_id"]), int(pointers[0]["message_id"])
    access.readable(caller, provedor_id, conversation_id)  # 404 when the caller can't see the conversation
    message = messages.get(provedor_id, message_id)
    if message is not None and message.get("media_status") == files.PENDING:
        from niochat.webhooks.media import retry_scheduled

        retry_scheduled(provedor_id, conversation_id, message_id)
        message = access.current(provedor_id, message)
    name = served_name(message) if message is not None else None
    if name is None:
        raise NotFound(NOT_FOUND)
    return file_for(caller, provedor_id, conversation_id, name)
