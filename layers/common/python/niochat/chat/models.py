"""Request models for team chat. NioChat's own parameter names (`room_id`, `recipient_id`, `other_user_id`,
`reply_to_id`, `user_id`) are accepted as aliases, so clients written against it keep working."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, AliasChoices, Field, StrictBool, StrictInt, field_validator

from niochat.domain import validation
from niochat.models import RequestModel

MAX_TEXT = 4096
Name = Annotated[str, Field(min_length=1, max_length=validation.MAX_NAME), AfterValidator(validation.name)]
Description = Annotated[str | None, Field(max_length=1000)]
RoomKind = Literal["general", "support", "sales", "team", "private"]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("Este campo não pode ficar em branco")
    return value


_ROOM = Field(validation_alias=AliasChoices("room", "room_id"), ge=1)
_REPLY = Field(None, validation_alias=AliasChoices("reply_to", "reply_to_id"))
_RECIPIENT = Field(validation_alias=AliasChoices("recipient", "recipient_id"), ge=1)
RoomRef = Annotated[StrictInt, _ROOM]  # in a JSON body
RoomParam = Annotated[int, _ROOM]  # in a query string or a form
RecipientRef = Annotated[StrictInt, _RECIPIENT]
RecipientParam = Annotated[int, _RECIPIENT]
# The colleague of a private conversation, in a query or a body.
Colleague = Annotated[int, Field(validation_alias=AliasChoices("user", "other_user_id", "user_id"), ge=1)]
ColleagueRef = Annotated[StrictInt, Field(validation_alias=AliasChoices("user", "other_user_id", "user_id"), ge=1)]


class RoomCreate(RequestModel):
    name: Name
    description: Description = None
    room_type: RoomKind = "general"
    team: StrictInt | None = Field(None, validation_alias=AliasChoices("team", "team_id"))  # team rooms only
    participants: list[StrictInt] = Field(default_factory=list, max_length=50)  # invited at creation
    provedor: StrictInt | None = None


class RoomPatch(RequestModel):
    name: Name | None = None
    description: Description = None
    is_active: StrictBool | None = None


class RoomQuery(RequestModel):
    all: bool = False  # admins: every room of the provedor
    provedor: int | None = None


class ParticipantCreate(RequestModel):
    room: RoomRef
    user: StrictInt = Field(validation_alias=AliasChoices("user", "user_id"))
    role: Literal["admin", "member"] = "member"


class RoomScoped(RequestModel):
    """`?room=` (or `?room_id=`)."""

    room: RoomParam
    provedor: int | None = None


class MessageWindow(RoomScoped):
    before: int | None = Field(None, ge=1)
    after: int | None = Field(None, ge=0)


class Text(RequestModel):
    content: str = Field(min_length=1, max_length=MAX_TEXT)
    reply_to: Annotated[StrictInt | None, _REPLY] = None

    _content = field_validator("content")(_not_blank)


class RoomText(Text):
    room: RoomRef


class RoomFileForm(RequestModel):
    """The text fields of a multipart post with a file (the file is checked apart)."""

    room: RoomParam
    content: str = Field("", max_length=MAX_TEXT)
    reply_to: Annotated[int | None, _REPLY] = None


class Edit(RequestModel):
    content: str = Field(min_length=1, max_length=MAX_TEXT)

    _content = field_validator("content")(_not_blank)


class React(RequestModel):
    emoji: str = Field(min_length=1, max_length=32, validation_alias=AliasChoices("emoji", "reaction"))

    @field_validator("emoji")
    @classmethod
    def _strip(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("Informe o emoji")
        return value.strip()


class MarkRoomRead(RequestModel):
    room: RoomRef
    up_to: StrictInt | None = Field(None, validation_alias=AliasChoices("up_to", "message_id"))


class PrivateWindow(RequestModel):
    user: Colleague
    before: int | None = Field(None, ge=1)
    after: int | None = Field(None, ge=0)
    provedor: int | None = None


class PrivateText(Text):
    recipient: RecipientRef


class PrivateFileForm(RequestModel):
    recipient: RecipientParam
    content: str = Field("", max_length=MAX_TEXT)
    reply_to: Annotated[int | None, _REPLY] = None


class MarkPrivateRead(RequestModel):
    user: ColleagueRef


class Scope(RequestModel):
    provedor: int | None = None
