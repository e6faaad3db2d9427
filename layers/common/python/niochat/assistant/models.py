"""Request models of the assistant's endpoint."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StrictInt

from niochat.models import RequestModel


def _text(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("Informe a mensagem")
    return value


class TrialRequest(RequestModel):
    conversation_id: StrictInt | None = Field(None, ge=1)
    message: Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_text)]
    provedor: StrictInt | None = None  # a superadmin names the provedor
