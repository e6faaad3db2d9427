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
from niochat.store.table import Item, is_conditional_failure, table


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
    operations: list[tuple[str | None, dict[str, Any]]] = [("user", _put_new(item))]
    operations.append(("username", _put_new(_pointer(keys.username(user["username"]), user["id"]))))
    if user.get("email"):
        operations.append(("email", _put_new(_pointer(keys.email(user["email"]), user["id"]))))
    operations += _cross_checks(user["username"], user.get("email"))
    operations += [(None, op) for op in counter_ops(user.get("provedor_id"), {n: 1 for n in counter_names(user)})]
    try:
        _transact(operations)
    except StaleUser as error:  # no cancellation reasons to tell which name is taken: look
        taken = table().get(*keys.username(user["username"]), consistent=True)
        raise DuplicateLogin("username" if taken or not user.get("email") else "email") from error


def update(user_id: int, changes: Item) -> Item:
    """SET fields that neither counters nor pointers depend on (password, last login...)."""
    return table().set(*keys.user(user_id), changes)


def change(old: Mapping[str, Any], changes: Item) -> Item:
    """Apply `changes` to the user as read in `old`, with what they imply (the email pointer moves, the
    counters of a new type or active flag) in one transaction. StaleUser when the user changed meanwhile."""
    new = {**old, **changes}
    pk, sk = keys.user(old["id"])
    names = {f"#f{i}": name for i, name in enumerate(changes)}
    values: dict[str, Any] = {f":v{i}": value for i, value in enumerate(changes.values())}
    names.update({"#ut": "user_type", "#ia": "is_active", "#em": "email"})
    values.update({":ut": old["user_type"], ":ia": bool(old.get("is_active", True))})
    condition = "attribute_exists(PK) AND #ut = :ut AND #ia = :ia AND "
    if old.get("email"):
        condition += "#em = :em"
        values[":em"] = old["email"]
    else:
        condition += "attribute_not_exists(#em)"
    update_op = {
        "Update": {
            "Key": {"PK": pk, "SK": sk},
            "UpdateExpression": "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(changes))),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ConditionExpression": condition,
        }
    }
    operations: list[tuple[str | None, dict[str, Any]]] = [("user", update_op)]
    if (old.get("email") or "").lower() != (new.get("email") or "").lower():
        if old.get("email"):
            old_pk, old_sk = keys.email(old["email"])
            delete = {
                "Key": {"PK": old_pk, "SK": old_sk},
                "ConditionExpression": "user_id = :id",
                "ExpressionAttributeValues": {":id": old["id"]},
            }
            operations.append(("user", {"Delete": delete}))
        if new.get("email"):
            operations.append(("email", _put_new(_pointer(keys.email(new["email"]), old["id"]))))
            operations += [c for c in _cross_checks(new["username"], new["email"]) if c[0] == "email"]
    deltas: dict[str, int] = {}
    for name in counter_names(old):
        deltas[name] = deltas.get(name, 0) - 1
    for name in counter_names(new):
        deltas[name] = deltas.get(name, 0) + 1
    operations += [(None, op) for op in counter_ops(old.get("provedor_id"), deltas)]
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


def counter_ops(provedor_id: int | None, deltas: dict[str, int]) -> list[dict[str, Any]]:
    """Updates moving `deltas` on the platform's counters and, for a provedor's user, on the provedor's."""
    deltas = {name: amount for name, amount in deltas.items() if amount}
    if not deltas:
        return []
    targets = [counters.PLATFORM] + ([keys.counters(provedor_id)] if provedor_id is not None else [])
    names = {f"#c{i}": name for i, name in enumerate(deltas)}
    values: dict[str, Any] = {f":c{i}": amount for i, amount in enumerate(deltas.values())}
    expression = "ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(deltas))) + " SET #type = :type"
    return [
        {
            "Update": {
                "Key": {"PK": pk, "SK": sk},
                "UpdateExpression": expression,
                "ExpressionAttributeNames": {**names, "#type": "type"},
                "ExpressionAttributeValues": {**values, ":type": "counters"},
            }
        }
        for pk, sk in targets
    ]


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


def _pointer(key: tuple[str, str], user_id: int) -> Item:
    pk, sk = key
    return {"PK": pk, "SK": sk, "type": "login_pointer", "user_id": user_id}


def _put_new(item: Item) -> dict[str, Any]:
    return {"Put": {"Item": item, "ConditionExpression": "attribute_not_exists(PK)"}}


def _cross_checks(username: str, email: str | None) -> list[tuple[str | None, dict[str, Any]]]:
    """A login name resolves to one user: an email must not be someone's username, nor a username (which
    may contain @) someone's email. Skipped when a user's username is their own email."""
    if email and username.strip().lower() == email.strip().lower():
        return []
    checks: list[tuple[str | None, dict[str, Any]]] = []
    if email:
        pk, sk = keys.username(email)
        checks.append(("email", _absent(pk, sk)))
    if "@" in username:
        pk, sk = keys.email(username)
        checks.append(("username", _absent(pk, sk)))
    return checks


def _absent(pk: str, sk: str) -> dict[str, Any]:
    return {"ConditionCheck": {"Key": {"PK": pk, "SK": sk}, "ConditionExpression": "attribute_not_exists(PK)"}}


def _transact(operations: list[tuple[str | None, dict[str, Any]]]) -> None:
    """Run the labelled operations; a failed condition raises by the label of the operation that failed."""
    try:
        table().transact([op for _, op in operations])
    except Exception as error:
        if not is_conditional_failure(error):
            raise
        reasons = getattr(error, "response", {}).get("CancellationReasons") or []
        failed = [label for (label, _), r in zip(operations, reasons, strict=False) if _failed(r)]
        label = failed[0] if failed else "user"
        if label in ("username", "email"):
            raise DuplicateLogin(label) from error
        raise StaleUser from error


def _failed(reason: dict[str, Any]) -> bool:
    return reason.get("Code") == "ConditionalCheckFailed"
