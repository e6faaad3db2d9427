"""A provedor with people, a team, an inbox and contacts, for the conversation tests."""

from __future__ import annotations

from typing import Any

from niochat import clock
from niochat.contacts import service as contacts
from niochat.contacts.models import ContactCreate
from niochat.conversations import service as conversations
from niochat.directory.provedores import create_provedor
from niochat.directory.users import create_user
from niochat.domain.teams import new_membership, new_team
from niochat.domain.users import Principal, UserType
from niochat.settings import get_settings
from niochat.store import inboxes as inbox_store
from niochat.store import teams
from tests.support import moto_tables
from tests.support.inboxes import stored_inbox

ROOT = Principal(user_id=0, provedor_id=None, user_type=UserType.SUPERADMIN, username="root")
PASSWORD = "senha-forte-1"


def make_inbox(
    provedor_id: int, name: str = "WhatsApp", ai: bool = False, settings: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An inbox written straight to the store (no webhook-secret pointer: these tests get no deliveries)."""
    return stored_inbox(
        provedor_id,
        inbox_store.inboxes.new_id(provedor_id),
        secret=f"secret-of-{name}-{provedor_id}",
        name=name,
        settings=settings if settings is not None else {"provider": "uazapi", "ai_enabled": ai},
    )


def make_team(provedor_id: int, name: str, member_ids: list[int]) -> dict[str, Any]:
    team = new_team(
        teams.teams.new_id(provedor_id), provedor_id, name=name, description="", is_active=True, now=clock.iso()
    )
    teams.create_team(provedor_id, team)
    for user_id in member_ids:
        membership = new_membership(
            teams.members.new_id(provedor_id),
            provedor_id,
            team_id=team["id"],
            user_id=user_id,
            role="member",
            now=clock.iso(),
        )
        teams.add_member(provedor_id, membership)
    return dict(team)


def make_contact(provedor_id: int, name: str, phone: str) -> dict[str, Any]:
    return contacts.create(ROOT, provedor_id, ContactCreate(name=name, phone=phone, provedor=provedor_id))


def build(tag: str = "a", agents: int = 3) -> dict[str, Any]:
    """admin, agent1 (in the team, may see team-unassigned and AI conversations, may transfer),
    agent2 (in the team, no permissions), agent3.. (not in the team), one team, one inbox, one contact.
    Written once per worker into an empty world, copied after (tests/support/moto_tables.built_once)."""
    return moto_tables.built_once(("conversation world", tag, agents), get_settings().table_name,
                                  lambda: _build(tag, agents))  # fmt: skip


def _build(tag: str, agents: int) -> dict[str, Any]:
    provedor = create_provedor(f"Provedor {tag.upper()}")
    pid = provedor["id"]
    people = {
        "admin": create_user(
            username=f"admin_{tag}", password=PASSWORD, user_type=UserType.ADMIN, provedor_id=pid, first_name="Ana"
        )
    }
    perms = [["view_team_unassigned", "view_ai_conversations", "can_handle_transfers"], []]
    for n in range(1, agents + 1):
        people[f"agent{n}"] = create_user(
            username=f"agent{n}_{tag}",
            password=PASSWORD,
            user_type=UserType.AGENT,
            provedor_id=pid,
            first_name=f"Agente{n}",
            permissions=perms[n - 1] if n <= len(perms) else [],
        )
    team = make_team(pid, "Suporte", [people["agent1"]["id"], people["agent2"]["id"]])
    inbox = make_inbox(pid)
    contact = make_contact(pid, "João Silva", "11999990001")
    return {"provedor": provedor, "pid": pid, "people": people, "team": team, "inbox": inbox, "contact": contact}


def new_conversation(world: dict[str, Any], phone: str | None = None, name: str = "Cliente") -> dict[str, Any]:
    pid = world["pid"]
    contact = make_contact(pid, name, phone) if phone else world["contact"]
    return conversations.create(pid, contact["id"], world["inbox"]["id"])
