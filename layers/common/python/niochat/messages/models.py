"""Request models for messages."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, StrictInt, field_validator

from niochat.models import RequestModel

MAX_TEXT = 4096
MAX_CAPTION = 1024
MediaKind = Literal["image", "video", "audio", "document"]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("Este campo não pode ficar em branco")
    return value


class Scope(RequestModel):
    """`?provedor=` names the provedor for a superadmin; everyone else acts on their own."""

    provedor: int | None = None


class MessageQuery(RequestModel):
    conversation: int = Field(ge=1)
    before: int | None = Field(None, ge=1)
    after: int | None = Field(None, ge=0)
    provedor: int | None = None


class SendText(RequestModel):
    conversation_id: StrictInt
    content: str = Field(min_length=1, max_length=MAX_TEXT)
    reply_to_message_id: StrictInt | None = None

    _content = field_validator("content")(_not_blank)


class SendMediaForm(RequestModel):
    """The text fields of the multipart form (the file is checked apart)."""

    conversation_id: int
    # NioChat's clients send `media_type`.
    message_type: MediaKind = Field(validation_alias=AliasChoices("message_type", "media_type"))
    caption: str | None = Field(None, max_length=MAX_CAPTION)


class React(RequestModel):
    message_id: StrictInt
    # One emoji, possibly with modifiers; "" removes our reaction. NioChat's clients send `emoji`.
    reaction: str = Field(max_length=32, validation_alias=AliasChoices("reaction", "emoji"))

    @field_validator("reaction")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class DeleteMessage(RequestModel):
    message_id: StrictInt
