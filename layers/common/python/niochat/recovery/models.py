"""Request models of the recovery endpoints."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StrictBool, StrictInt

from niochat.models import RequestModel


def _template(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("A mensagem não pode ficar em branco")
    for part in value.split("{")[1:]:
        name = part.split("}")[0]
        if name not in ("nome", "provedor"):
            raise ValueError(f"Marcador desconhecido: {{{name}}}. Use apenas {{nome}} e {{provedor}}")
    return value


def _keywords(values: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(" ".join(v.split()).lower() for v in values if v.strip()))
    if not cleaned:
        raise ValueError("Informe ao menos uma palavra-chave")
    return cleaned


class RecoveryPatch(RequestModel):
    enabled: StrictBool | None = None
    auto_recovery: StrictBool | None = None  # the seed's name for `enabled`
    delay_minutes: Annotated[StrictInt, Field(ge=0, le=7 * 24 * 60)] | None = None
    recovery_interval: Annotated[StrictInt, Field(ge=1, le=30 * 24 * 60)] | None = None
    max_attempts: Annotated[StrictInt, Field(ge=1, le=10)] | None = None
    keywords: Annotated[list[Annotated[str, Field(max_length=60)]], Field(max_length=50),
                        AfterValidator(_keywords)] | None = None  # fmt: skip
    message: Annotated[str, Field(min_length=1, max_length=1000), AfterValidator(_template)] | None = None
    use_ai: StrictBool | None = None
    auto_discount: StrictBool | None = None
    discount_percentage: Annotated[StrictInt, Field(ge=1, le=90)] | None = None
    quiet_hours: StrictBool | None = None
