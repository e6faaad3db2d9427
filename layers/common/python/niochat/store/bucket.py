"""The media bucket: storing and reading objects, and the short-lived links that serve them. Keys are made by
the code that owns the file (niochat.domain.media: message files and chat files); nothing here takes a key from
a request."""

from __future__ import annotations

from niochat.domain import media
from niochat.settings import get_settings
from niochat.store import clients

LINK_SECONDS = 300


def put(key: str, content: bytes, mime_type: str) -> None:
    clients.s3().put_object(Bucket=get_settings().media_bucket, Key=key, Body=content, ContentType=mime_type)


def read(key: str) -> bytes:
    return clients.s3().get_object(Bucket=get_settings().media_bucket, Key=key)["Body"].read()


def delete(key: str) -> None:
    clients.s3().delete_object(Bucket=get_settings().media_bucket, Key=key)


def link(key: str, mime_type: str | None) -> str:
    """A presigned GET URL valid for LINK_SECONDS. Images (not SVG), audio and video are served inline as
    their type; anything else — whatever type the sender claimed (text/html…) — as a download of
    application/octet-stream, so a file can never run as a page of the media host."""
    params = {"Bucket": get_settings().media_bucket, "Key": key}
    if not media.plays_inline(mime_type):
        name = key.rsplit("/", 1)[-1].split("-", 1)[-1]
        params.update(ResponseContentType="application/octet-stream",
                      ResponseContentDisposition=f'attachment; filename="{name}"')  # fmt: skip
    return clients.s3().generate_presigned_url("get_object", Params=params, ExpiresIn=LINK_SECONDS)
