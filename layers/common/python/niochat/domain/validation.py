"""Field rules shared by request models (pure; used from pydantic validators)."""

from __future__ import annotations

import json
import re
from typing import Any

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME = 255
MAX_ATTRIBUTES_BYTES = 16 * 1024


def email(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    value = value.strip()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError("Informe um endereço de email válido")
    return value.lower()


def url(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    value = value.strip()
    if len(value) > 2048 or not value.startswith(("http://", "https://")):
        raise ValueError("Informe uma URL http(s) válida")
    return value


def attributes(value: dict[str, Any] | None) -> dict[str, Any]:
    value = value or {}
    if len(json.dumps(value, ensure_ascii=False)) > MAX_ATTRIBUTES_BYTES:
        raise ValueError(f"Atributos adicionais excedem {MAX_ATTRIBUTES_BYTES // 1024} KB")
    return value


def name(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("Este campo não pode ficar em branco")
    return value
