"""Data to measure against, written through niochat's own use cases (inside a running Harness).

Add a seeder per scenario (contacts, conversations…) as a function here: it takes what it builds on
(e.g. a Tenant) and returns what the benchmark needs to address it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    user: dict[str, Any]

    @property
    def id(self) -> int:
        return int(self.user["id"])


@dataclass(frozen=True)
class Tenant:
    provedor: dict[str, Any]
    admin: Account
    agent: Account

    @property
    def id(self) -> int:
        return int(self.provedor["id"])


def account(username: str, password: str, user_type: Any, provedor_id: int | None, **fields: Any) -> Account:
    from niochat.directory.users import create_user

    user = create_user(username=username, password=password, user_type=user_type, provedor_id=provedor_id, **fields)
    return Account(username, password, user)


def seed_tenant(name: str = "Provedor A", slug: str = "a") -> Tenant:
    """A provedor with an admin and an agent."""
    from niochat.directory.provedores import create_provedor
    from niochat.domain.users import UserType

    provedor = create_provedor(name, f"contato@{slug}.example")
    pid = provedor["id"]
    admin = account(f"admin_{slug}", "senha-forte-1", UserType.ADMIN, pid, email=f"admin@{slug}.example")
    agent = account(f"agent_{slug}", "senha-forte-2", UserType.AGENT, pid, email=f"agent@{slug}.example")
    return Tenant(provedor, admin, agent)
