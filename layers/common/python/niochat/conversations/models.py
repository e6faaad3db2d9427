"""Request models for conversations."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AliasChoices, Field, StrictInt, field_validator

from niochat.domain import validation
from niochat.models import RequestModel

Attributes = Annotated[dict[str, Any] | None, AfterValidator(validation.attributes)]
StatusFilter = Literal["open", "pending", "snoozed", "closed", "all"]


class ConversationQuery(RequestModel):
    status: StatusFilter | None = None
    assignee: str | None = Field(None, max_length=20)
    team: int | None = None
    inbox: int | None = None
    search: str | None = Field(None, max_length=100)
    provedor: int | None = None

    @field_validator("assignee")
    @classmethod
    def _assignee(cls, value: str | None) -> str | None:
        if value is None or value in ("me", "none") or (value.isascii() and value.isdigit()):
            return value
        raise ValueError("Use um id de usuário, 'me' ou 'none'")


class ConversationCreate(RequestModel):
    # NioChat's clients send `contact_id` and `inbox_id`.
    contact: StrictInt = Field(validation_alias=AliasChoices("contact", "contact_id"))
    inbox: StrictInt = Field(validation_alias=AliasChoices("inbox", "inbox_id"))
    provedor: StrictInt | None = None
    additional_attributes: Attributes = None


class ConversationPatch(RequestModel):
    status: Literal["open", "pending", "snoozed", "closed"] | None = None
    additional_attributes: Attributes = None


class AssignBody(RequestModel):
    user_id: StrictInt | None = None


class TransferBody(RequestModel):
    user_id: StrictInt


class TransferToTeamBody(RequestModel):
    team_id: StrictInt
    team_name: str | None = Field(None, max_length=255)


class CloseBody(RequestModel):
    resolution_notes: str | None = Field(None, max_length=2000)
