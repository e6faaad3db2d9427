"""Request models for provedores and users."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StrictBool, StrictInt, field_validator

from niochat.domain import validation
from niochat.domain.users import PERMISSIONS, SESSION_TIMEOUT_MAX, SESSION_TIMEOUT_MIN
from niochat.models import RequestModel

_USERNAME = re.compile(r"^[A-Za-z0-9@.+_-]+$")
_SOUND = re.compile(r"^[A-Za-z0-9_.-]+$")
MAX_PERSON_NAME = 150  # Django's first_name/last_name
ROLES = ("admin", "agent")


def _username(value: str) -> str:
    if not _USERNAME.match(value):
        raise ValueError("Use apenas letras, números e os caracteres @ . + - _")
    return value


def _required_email(value: str) -> str:
    email = validation.email(value)
    if email is None:
        raise ValueError("Informe um endereço de email válido")
    return email


def _role(value: str) -> str:
    if value == "superadmin":
        raise ValueError("Superadmins não podem ser criados nem promovidos pela API")
    if value not in ROLES:
        raise ValueError("Valor inválido. Opções: 'admin', 'agent'")
    return value


def _permissions(value: list[Any]) -> list[str]:
    unknown = [str(p) for p in value if not isinstance(p, str) or p not in PERMISSIONS]
    if unknown:
        raise ValueError(f"Permissão inválida: {', '.join(unknown)}. Opções: {', '.join(sorted(PERMISSIONS))}")
    return sorted(set(value))


def _sound(value: str) -> str:
    if not _SOUND.match(value):
        raise ValueError("Nome de arquivo de som inválido")
    return value


def _not_null(value: Any) -> Any:
    if value is None:
        raise ValueError("Este campo não pode ser nulo")
    return value


ProvedorName = Annotated[str, Field(min_length=1, max_length=validation.MAX_NAME), AfterValidator(validation.name)]
OptionalEmail = Annotated[str | None, Field(max_length=254), AfterValidator(validation.email)]
Username = Annotated[str, Field(min_length=3, max_length=150), AfterValidator(_username)]
Email = Annotated[str, Field(min_length=3, max_length=254), AfterValidator(_required_email)]
Password = Annotated[str, Field(min_length=8, max_length=128)]
PersonName = Annotated[str, Field(max_length=MAX_PERSON_NAME), AfterValidator(str.strip)]
Role = Annotated[str, AfterValidator(_role)]
Permissions = Annotated[list[Any], Field(max_length=len(PERMISSIONS) * 2), AfterValidator(_permissions)]
Sound = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_sound)]
SessionTimeout = Annotated[StrictInt, Field(ge=SESSION_TIMEOUT_MIN, le=SESSION_TIMEOUT_MAX)]


class ProvedorCreate(RequestModel):
    nome: ProvedorName
    email_contato: OptionalEmail = None
    is_active: StrictBool = True


class ProvedorPatch(RequestModel):
    nome: ProvedorName | None = None
    email_contato: OptionalEmail = None
    is_active: StrictBool | None = None

    _present = field_validator("nome", "is_active", mode="before")(_not_null)


class UserCreate(RequestModel):
    username: Username
    email: Email
    password: Password
    user_type: Role
    first_name: PersonName = ""
    last_name: PersonName = ""
    permissions: Permissions = Field(default_factory=list)
    provedor: StrictInt | None = None


class UserPatch(RequestModel):
    """Every field optional; a field sent as null is a 400 (none of them can be cleared)."""

    username: str | None = None  # immutable: accepted only when unchanged
    provedor: StrictInt | None = None  # likewise
    email: Email | None = None
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    user_type: Role | None = None
    permissions: Permissions | None = None
    is_active: StrictBool | None = None
    session_timeout: SessionTimeout | None = None
    sound_notifications_enabled: StrictBool | None = None
    new_message_sound: Sound | None = None
    new_conversation_sound: Sound | None = None

    _present = field_validator(
        "username", "email", "first_name", "last_name", "user_type", "permissions", "is_active",
        "session_timeout", "sound_notifications_enabled", "new_message_sound", "new_conversation_sound",
        mode="before",
    )(_not_null)  # fmt: skip


class PasswordChange(RequestModel):
    password: Password
    current_password: str | None = Field(None, max_length=1024)


class UserQuery(RequestModel):
    provedor: int | None = None
    user_type: Literal["superadmin", "admin", "agent"] | None = None
    is_active: bool | None = None
