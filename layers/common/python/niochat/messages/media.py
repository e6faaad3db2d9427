"""Message files in S3: storing, reading, and the short-lived links the media endpoint redirects to.

Key: `media/<provedor>/<conversation>/<message id>-<safe file name>` (niochat.domain.media, for both paths),
served at `/api/media/messages/<conversation>/<message id>-<safe file name>/`. The endpoint finds the message
by the id in the file name, inside the caller's provedor and the conversation in the path, and takes the key
from the message: a request can never name another provedor's object.
"""

from __future__ import annotations

import re
from typing import Any

from aws_lambda_powertools import Logger

from niochat.channels.base import ProviderError
from niochat.domain.media import served_name
from niochat.domain.messages import Message
from niochat.domain.users import Principal
from niochat.errors import BadGateway, NotFound
from niochat.messages import access
from niochat.settings import get_settings
from niochat.store import clients, messages

logger = Logger(child=True)

LINK_SECONDS = 300
FILE_NAME = re.compile(r"^(\d{1,16})-([A-Za-z0-9._-]{1,120})$")
NOT_FOUND = "Arquivo não encontrado"


def put(key: str, content: bytes, mime_type: str) -> None:
    clients.s3().put_object(Bucket=get_settings().media_bucket, Key=key, Body=content, ContentType=mime_type)


def read(key: str) -> bytes:
    return clients.s3().get_object(Bucket=get_settings().media_bucket, Key=key)["Body"].read()


def link(key: str) -> str:
    """A presigned GET URL valid for LINK_SECONDS."""
    return clients.s3().generate_presigned_url(
        "get_object", Params={"Bucket": get_settings().media_bucket, "Key": key}, ExpiresIn=LINK_SECONDS
    )


def _retry_download(provedor_id: int, message: Message) -> Message | None:
    """The inbound path's on-demand download of a pending file (None: that path is not installed)."""
    try:
        from niochat.webhooks.media import retry_download
    except ImportError:
        return None
    return retry_download(provedor_id, message)


def key_for(caller: Principal, provedor_id: int, conversation_id: int, file_name: str) -> str:
    """The S3 key of a file the caller may read: its conversation visible to them, the message in it."""
    access.readable(caller, provedor_id, conversation_id)  # 404 when the caller can't see the conversation
    match = FILE_NAME.match(file_name)
    if match is None:
        raise NotFound(NOT_FOUND)
    message = messages.get(provedor_id, int(match[1]))
    if message is None or int(message["conversation"]) != conversation_id or served_name(message) != file_name:
        raise NotFound(NOT_FOUND)
    if not message.get("media_key") and message.get("media_status") == "pending":
        message = _fetch_pending(provedor_id, message)
    key = message.get("media_key")
    if not isinstance(key, str) or not key.startswith(f"media/{provedor_id}/{conversation_id}/"):
        raise NotFound(NOT_FOUND)
    return key


def _fetch_pending(provedor_id: int, message: Message) -> Message:
    try:
        fetched = _retry_download(provedor_id, message)
    except ProviderError as error:
        raise BadGateway("Não foi possível baixar o arquivo do WhatsApp agora", _details(message, error)) from None
    if fetched is None:
        raise NotFound("O arquivo desta mensagem ainda não foi baixado")
    if not fetched.get("media_key"):
        details: dict[str, Any] = {"message_id": message["id"], "media_status": fetched.get("media_status")}
        if fetched.get("media_status") == "pending":
            raise BadGateway("Não foi possível baixar o arquivo do WhatsApp agora", details)
        raise NotFound("O arquivo desta mensagem não está disponível", details)
    return fetched


def _details(message: Message, error: ProviderError) -> dict[str, Any]:
    return {"message_id": message["id"], "provider_status": error.status, "provider_error": error.message}
