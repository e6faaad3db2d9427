"""First-start data: a demo provedor with an admin and an agent, and a superadmin (only into an empty table)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from infra.local.config import Config

log = logging.getLogger(__name__)

DEMO_PROVEDOR = "Provedor Demo"


@dataclass(frozen=True)
class SeedResult:
    # False: the table already had a provedor, nothing was written.
    created: bool
    provedor_id: int | None = None


def has_provedor() -> bool:
    from niochat.store import keys
    from niochat.store.table import table

    return bool(table().query(keys.PROVEDORES_GSI1PK, index="GSI1", limit=1).items)


def seed(config: Config) -> SeedResult:
    """Write the demo data unless the table already has a provedor (so a restart never seeds twice)."""
    from niochat.directory.provedores import create_provedor
    from niochat.directory.users import create_user
    from niochat.domain.users import UserType

    if has_provedor():
        return SeedResult(created=False)
    root = config.superadmin
    create_user(
        username=root.username,
        password=root.password,
        email=root.email,
        user_type=UserType.SUPERADMIN,
        provedor_id=None,
        first_name="Admin",
    )
    provedor = create_provedor(DEMO_PROVEDOR, config.demo_admin.email)
    for login, user_type, first_name in (
        (config.demo_admin, UserType.ADMIN, "Admin Demo"),
        (config.demo_agent, UserType.AGENT, "Agente Demo"),
    ):
        create_user(
            username=login.username,
            password=login.password,
            email=login.email,
            user_type=user_type,
            provedor_id=provedor["id"],
            first_name=first_name,
        )
    log.info("seeded %s (id %s) and its users", DEMO_PROVEDOR, provedor["id"])
    return SeedResult(created=True, provedor_id=provedor["id"])
