"""User use cases: create, read, list, change, set a password.

Who sees whom: a superadmin every user; an admin the users of their provedor; an agent themselves in full
and their colleagues in reduced form. A user outside the caller's reach is the same 404 as a missing one.
"""

from __future__ import annotations

from typing import NamedTuple, cast

from niochat import clock, tenancy
from niochat.auth import limits, sessions
from niochat.auth.passwords import hash_password, verify_password
from niochat.directory.models import PasswordChange, UserCreate, UserPatch, UserQuery
from niochat.domain.users import Principal, User, UserType, new_user
from niochat.errors import Conflict, NotFound, PermissionDenied, ValidationError
from niochat.settings import get_settings
from niochat.store import sequences, tokens, users
from niochat.store.pages import Partition
from niochat.store.writes import ConditionFailed

NOT_FOUND = "Usuário não encontrado"
# Only admins change these; an agent may change the rest of their own profile.
ADMIN_FIELDS = frozenset({"user_type", "permissions", "is_active"})
# Fields copied into each token: a change to one of them refreshes the user's live sessions.
SESSION_FIELDS = frozenset({"user_type", "permissions", "session_timeout", "first_name"})
_TAKEN = {"username": "Já existe um usuário com este nome de usuário", "email": "Já existe um usuário com este email"}


def _taken(field: str) -> ValidationError:
    return ValidationError.field(field, _TAKEN[field], "Usuário já existe")


def create_user(
    *,
    username: str,
    password: str,
    user_type: UserType,
    provedor_id: int | None,
    email: str | None = None,
    first_name: str = "",
    last_name: str = "",
    permissions: list[str] | None = None,
) -> User:
    user = new_user(
        sequences.next_global_id("user"),
        username=username,
        password_hash=hash_password(password, get_settings().password_hash_cost),
        user_type=user_type,
        provedor_id=provedor_id,
        now=clock.iso(),
        email=email,
        first_name=first_name,
        last_name=last_name,
        permissions=permissions,
    )
    try:
        users.create(user)
    except users.DuplicateLogin as error:
        raise _taken(error.field) from None
    return user


def create(provedor_id: int, data: UserCreate) -> User:
    """An admin or agent of `provedor_id` (already checked against the caller by tenancy.for_write)."""
    return create_user(
        username=data.username,
        password=data.password,
        user_type=UserType(data.user_type),
        provedor_id=provedor_id,
        email=data.email,
        first_name=data.first_name,
        last_name=data.last_name,
        permissions=data.permissions,
    )


def get(caller: Principal, user_id: int, consistent: bool = False) -> User:
    """A user within the caller's reach (a superadmin's: everyone; others': their provedor)."""
    user = users.get(user_id, consistent=consistent)
    if user is None or not (caller.is_superadmin or user.get("provedor_id") == caller.provedor_id):
        raise NotFound(NOT_FOUND)
    return user


class Listing(NamedTuple):
    partition: Partition
    total: int


def listing(caller: Principal, query: UserQuery) -> Listing:
    """A provedor's users (a superadmin names one with `?provedor=`, or lists the whole platform's)."""
    provedor_id = None if caller.is_superadmin and query.provedor is None else tenancy.for_read(caller, query.provedor)
    return Listing(
        users.partition(provedor_id, query.user_type, query.is_active),
        users.count(provedor_id, query.user_type, query.is_active),
    )


def editable(caller: Principal, user_id: int) -> User:
    """The user `caller` may change (PATCH, set_password): 404 outside their reach, then 403 unless they are
    an admin or the user themselves — before the body is read (DRF's order)."""
    user = get(caller, user_id, consistent=True)
    if not caller.is_admin and user["id"] != caller.user_id:
        raise PermissionDenied()
    return user


def update(caller: Principal, user: User, data: UserPatch) -> User:
    """Change `user` (from `editable`); an agent's own profile, never their type, permissions or status."""
    user_id = user["id"]
    own = user_id == caller.user_id
    sent = data.model_fields_set
    if not caller.is_admin and sent & ADMIN_FIELDS:
        raise PermissionDenied()
    if "username" in sent and data.username != user["username"]:
        raise ValidationError.field("username", "O nome de usuário não pode ser alterado")
    if "provedor" in sent and data.provedor != user.get("provedor_id"):
        raise ValidationError.field("provedor", "O provedor de um usuário não pode ser alterado")
    changes = data.model_dump(exclude={"username", "provedor"}, exclude_unset=True)
    changes = {name: value for name, value in changes.items() if user.get(name) != value}
    if "user_type" in changes and user["user_type"] == UserType.SUPERADMIN:
        raise ValidationError.field("user_type", "O tipo de um superadmin não pode ser alterado pela API")
    if own and "user_type" in changes:
        raise ValidationError.field("user_type", "Você não pode alterar o seu próprio tipo de usuário")
    if own and changes.get("is_active") is False:
        raise ValidationError.field("is_active", "Você não pode desativar a si mesmo")
    if not changes:
        return user
    changes["updated_at"] = clock.iso()
    try:
        new = cast(User, users.change(user, changes))
    except users.DuplicateLogin as error:
        raise _taken(error.field) from None
    except users.StaleUser:
        if users.get(user_id, consistent=True) is None:
            raise NotFound(NOT_FOUND) from None
        raise Conflict("O usuário foi alterado por outra requisição. Tente novamente") from None
    if changes.get("is_active") is False:
        sessions.end_sessions(user_id)
    elif changes.keys() & SESSION_FIELDS:
        sessions.refresh_sessions(user_id)
    return new


def set_password(caller: Principal, user: User, data: PasswordChange) -> None:
    """Admins set the password of their provedor's users, a superadmin anyone's, and a user their own (proving
    the current one); `user` comes from `editable`. The user's other sessions end."""
    user_id = user["id"]
    own = user_id == caller.user_id
    if own:
        _check_current_password(user, data.current_password)
    settings = get_settings()
    try:
        users.update(user_id, {"password_hash": hash_password(data.password, settings.password_hash_cost),
                               "updated_at": clock.iso()})  # fmt: skip
    except ConditionFailed:  # deleted since it was read
        raise NotFound(NOT_FOUND) from None
    keep = caller.token_hash if own else None
    for token_hash in tokens.hashes_of_user(user_id):
        if token_hash != keep:
            tokens.delete(token_hash)


def _check_current_password(user: User, current: str | None) -> None:
    """Guesses at the current password count against the account's login budget (niochat.auth.limits)."""
    if not current:
        raise ValidationError.field("current_password", "Este campo é obrigatório")
    attempt = limits.admit(user, user["username"], None, int(clock.now()))
    if not verify_password(current, user["password_hash"]):
        raise ValidationError.field("current_password", "Senha atual incorreta")
    attempt.succeeded()
