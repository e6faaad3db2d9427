"""Request models for contacts."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field, StrictInt

from niochat.domain import validation
from niochat.domain.phones import InvalidPhone, normalize
from niochat.models import RequestModel


def _phone(value: str) -> str:
    try:
        return normalize(value)
    except InvalidPhone as error:
        raise ValueError(str(error)) from None


Name = Annotated[str, Field(min_length=1, max_length=validation.MAX_NAME), AfterValidator(validation.name)]
Phone = Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_phone)]
Email = Annotated[str | None, Field(max_length=254), AfterValidator(validation.email)]
Url = Annotated[str | None, AfterValidator(validation.url)]
Attributes = Annotated[dict[str, Any] | None, AfterValidator(validation.attributes)]


class ContactCreate(RequestModel):
    name: Name
    phone: Phone
    provedor: StrictInt | None = None  # required for a superadmin (niochat.tenancy)
    email: Email = None
    avatar: Url = None
    inbox: StrictInt | None = None
    additional_attributes: Attributes = None


class ContactReplace(ContactCreate):
    """PUT: every writable field; omitted optional fields are cleared."""


class ContactPatch(RequestModel):
    name: Name | None = None
    phone: Phone | None = None
    provedor: StrictInt | None = None
    email: Email = None
    avatar: Url = None
    inbox: StrictInt | None = None
    additional_attributes: Attributes = None


class ContactQuery(RequestModel):
    search: str | None = Field(None, max_length=100)
    provedor: int | None = None
