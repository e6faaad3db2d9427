"""Request models of the assistant's endpoint."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictInt

from niochat.models import RequestModel


class TrialRequest(RequestModel):
    conversation_id: StrictInt | None = Field(None, ge=1)
    message: Annotated[str, Field(min_length=1, max_length=4000)]
    provedor: StrictInt | None = None  # a superadmin names the provedor
