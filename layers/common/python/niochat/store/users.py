"""Users and the pointer items that keep usernames and emails unique across the system.

A user is a global item `USER#<id>` listed by two indexes, both sorted by zero-padded id: GSI1
`P#<provedor>#USERS` (or `PLATFORM#USERS` for superadmins) and GSI2 `USERS` (every user). Creating a user,
or changing its type or active flag, moves the user counters of its provedor and of the platform in the same
transaction: one counter per list filter (`user`, `user_<type>`, `user_<active|inactive>`, `user_<type>_<...>`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from niochat.domain.users import User
from niochat.store import counters, keys
from niochat.store.pages import Partition
from niochat.store.table import Item, table
from niochat.store.writes import Check, ConditionFailed, Delete, Operation, Put, TransactionConflict, Update, field


class DuplicateLogin(Exception):
    """The username or the email already belongs to another user; `field` says which."""

    def __init__(self, field: str = "username") -> None:
        super().__init__(field)
        self.field = field


class StaleUser(Exception):
    """The user is gone or changed since it was read (a concurrent update won)."""


def get(user_id: int, consistent: bool = False) -> User | None:
    return cast("User | None", table().get(*keys.user(user_id), consistent=consistent))


def get_many(user_ids: list[int]) -> dict[int, User]:
    """Users by id (one BatchGetItem per 100); missing ones are left out."""
    found = table().batch_get([keys.user(u) for u in dict.fromkeys(user_ids)])
    return {int(item["id"]): cast(User, item) for item in found}


def get_by_login(login: str) -> User | None:
    """Find a user by username or, when the login looks like an email, by email."""
    pointer_key = keys.email(login) if "@" in login else keys.username(login)
    pointer = table().get(*pointer_key)
    if pointer is None and "@" in login:
        pointer = table().get(*keys.username(login))
    return get(int(pointer["user_id"])) if pointer else None


def create(user: Mapping[str, Any]) -> None:
    """Write the user, its username/email pointers and its counters atomically; DuplicateLogin when either
    name is taken (an email may not be another user's username either, and vice versa)."""
    pk, sk = keys.user(user["id"])
    item = {
        **user,
        "PK": pk,
        "SK": sk,
        "type": "user",
        "GSI1PK": keys.users_of(user.get("provedor_id")),
        "GSI1SK": keys.pad(user["id"]),
        "GSI2PK": keys.ALL_USERS_GSI2PK,
        "GSI2SK": keys.pad(user["id"]),
    }
    operations: list[Operation] = [Put("user", item).when_absent()]
    operations.append(_pointer("username", keys.username(user["username"]), user["id"]))
    if user.get("email"):
        operations.append(_pointer("email", keys.email(user["email"]), user["id"]))
    operations += _cross_checks(user["username"], user.get("email"))
    operations += counter_ops(user.get("provedor_id"), {n: 1 for n in counter_names(user)})
    try:
        _transact(operations)
    except StaleUser as error:  # the failure names no login (the user's own put, or a conflict): look
        taken = table().get(*keys.username(user["username"]), consistent=True)
        raise DuplicateLogin("username" if taken or not user.get("email") else "email") from error


def update(user_id: int, changes: Item) -> None:
    """SET fields that neither counters nor pointers depend on (password, last login...); ConditionFailed when
    the user is gone."""
    table().write(Update("user", *keys.user(user_id)).set_all(changes).when_exists())


def change(old: Mapping[str, Any], changes: Item) -> Item:
    """Apply `changes` to the user as read in `old`, with what they imply (the email pointer moves, the
    counters of a new type or active flag) in one transaction. StaleUser when the user changed meanwhile."""
    new = {**old, **changes}
    same_email = field("email").eq(old["email"]) if old.get("email") else field("email").not_exists()
    update_op = (
        Update("user", *keys.user(old["id"]))
        .set_all(changes)
        .when_exists()
        .when(field("user_type").eq(old["user_type"]), field("is_active").eq(bool(old.get("is_active", True))))
        .when(same_email)
    )
    operations: list[Operation] = [update_op]
    if (old.get("email") or "").lower() != (new.get("email") or "").lower():
        if old.get("email"):
            operations.append(Delete("old_email", *keys.email(old["email"])).when(field("user_id").eq(old["id"])))
        if new.get("email"):
            operations.append(_pointer("email", keys.email(new["email"]), old["id"]))
            operations += [c for c in _cross_checks(new["username"], new["email"]) if c.label == "email_as_username"]
    deltas: dict[str, int] = {}
    for name in counter_names(old):
        deltas[name] = deltas.get(name, 0) - 1
    for name in counter_names(new):
        deltas[name] = deltas.get(name, 0) + 1
    operations += counter_ops(old.get("provedor_id"), deltas)
    _transact(operations)
    return new


def counter_name(user_type: str | None = None, is_active: bool | None = None) -> str:
    """The counter of the users list narrowed by these filters."""
    parts = ["user"]
    if user_type:
        parts.append(user_type)
    if is_active is not None:
        parts.append("active" if is_active else "inactive")
    return "_".join(parts)


def counter_names(user: Mapping[str, Any]) -> list[str]:
    user_type, active = user["user_type"], bool(user.get("is_active", True))
    return [counter_name(), counter_name(user_type), counter_name(None, active), counter_name(user_type, active)]


def counter_ops(provedor_id: int | None, deltas: dict[str, int]) -> list[Operation]:
    """Updates moving `deltas` on the platform's counters and, for a provedor's user, on the provedor's."""
    deltas = {name: amount for name, amount in deltas.items() if amount}
    if not deltas:
        return []
    targets = {"platform_counters": counters.PLATFORM}
    if provedor_id is not None:
        targets["counters"] = keys.counters(provedor_id)
    operations: list[Operation] = []
    for label, key in targets.items():
        op = Update(label, *key)
        for name, amount in deltas.items():
            op.add(name, amount)
        operations.append(op.set("type", "counters"))
    return operations


def count(provedor_id: int | None, user_type: str | None = None, is_active: bool | None = None) -> int:
    """Users of a provedor (None: of the whole platform) matching the filters, from the counters."""
    return counters.read(provedor_id).get(counter_name(user_type, is_active), 0)


def partition(provedor_id: int | None, user_type: str | None = None, is_active: bool | None = None) -> Partition:
    """The users list of a provedor, or of the whole platform when `provedor_id` is None, by id."""
    conditions: list[str] = []
    values: dict[str, Any] = {}
    names: dict[str, str] = {}
    if user_type:
        conditions.append("#ut = :ut")
        values[":ut"], names["#ut"] = user_type, "user_type"
    if is_active is not None:
        conditions.append("#ia = :ia")
        values[":ia"], names["#ia"] = is_active, "is_active"
    if provedor_id is None:
        pk, index = keys.ALL_USERS_GSI2PK, "GSI2"
    else:
        pk, index = keys.users_of(provedor_id), "GSI1"
    return Partition(
        pk, index_name=index, values=values, names=names, filter_expression=" AND ".join(conditions) or None
    )


# A failed operation of one of these labels means the login field it names is taken; when several failed, the
# first listed is the one reported (a name's own pointer before the cross-check of the other field's name).
_TAKEN = {"username": "username", "email": "email", "email_as_username": "email", "username_as_email": "username"}


def _pointer(label: str, key: tuple[str, str], user_id: int) -> Put:
    pk, sk = key
    return Put(label, {"PK": pk, "SK": sk, "type": "login_pointer", "user_id": user_id}).when_absent()


def _cross_checks(username: str, email: str | None) -> list[Check]:
    """A login name resolves to one user: an email must not be someone's username, nor a username (which
    may contain @) someone's email. Skipped when a user's username is their own email."""
    if email and username.strip().lower() == email.strip().lower():
        return []
    checks: list[Check] = []
    if email:
        checks.append(Check("email_as_username", *keys.username(email)).when_absent())
    if "@" in username:
        checks.append(Check("username_as_email", *keys.email(username)).when_absent())
    return checks


def _transact(operations: list[Operation]) -> None:
    """Run the operations; DuplicateLogin when a login name's operation failed, StaleUser otherwise (the user
    changed, or another request wrote the same items at that moment)."""
    try:
        table().transact(operations)
    except ConditionFailed as failed:
        taken = [name for label, name in _TAKEN.items() if failed.on(label)]
        if taken and not failed.on("user") and not failed.on("old_email"):
            raise DuplicateLogin(taken[0]) from failed
        raise StaleUser from failed
    except TransactionConflict as conflict:
        raise StaleUser from conflict
