"""Users and the pointer items that keep usernames and emails unique across the system."""

from __future__ import annotations

from niochat.store import keys
from niochat.store.table import Item, is_conditional_failure, table


class DuplicateLogin(Exception):
    """The username or the email already belongs to another user."""


def get(user_id: int) -> Item | None:
    return table().get(*keys.user(user_id))


def get_by_login(login: str) -> Item | None:
    """Find a user by username or, when the login looks like an email, by email."""
    pointer_key = keys.email(login) if "@" in login else keys.username(login)
    pointer = table().get(*pointer_key)
    if pointer is None and "@" in login:
        pointer = table().get(*keys.username(login))
    return get(int(pointer["user_id"])) if pointer else None


def create(user: Item) -> None:
    """Write the user and its username/email pointers atomically; DuplicateLogin when either is taken."""
    pk, sk = keys.user(user["id"])
    item = {
        **user,
        "PK": pk,
        "SK": sk,
        "type": "user",
        "GSI1PK": keys.users_of(user.get("provedor_id")),
        "GSI1SK": keys.pad(user["id"]),
    }
    operations = [{"Put": {"Item": item, "ConditionExpression": "attribute_not_exists(PK)"}}]
    for pointer_pk, pointer_sk in _pointer_keys(user):
        operations.append(
            {
                "Put": {
                    "Item": {
                        "PK": pointer_pk,
                        "SK": pointer_sk,
                        "type": "login_pointer",
                        "user_id": user["id"],
                    },
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            }
        )
    try:
        table().transact(operations)
    except Exception as error:
        if is_conditional_failure(error):
            raise DuplicateLogin from error
        raise


def update(user_id: int, changes: Item) -> Item:
    return table().set(*keys.user(user_id), changes)


def _pointer_keys(user: Item) -> list[tuple[str, str]]:
    pointers = [keys.username(user["username"])]
    if user.get("email"):
        pointers.append(keys.email(user["email"]))
    return pointers
