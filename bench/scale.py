"""List pages at two sizes: the same DynamoDB calls and items read whatever the provedor's size.

Contacts (100 vs 10,000): first page, the page a `next` link leads to, a name search and a phone search.
Conversations (1,000 vs 50,000): the admin's default list, an agent's list, `status=closed`, a `next` page,
and the audit log.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from bench.harness import Harness, Measurement
from bench.report import render
from bench.seed import seed_tenant

CONTACT_SIZES = (100, 10_000)
CONVERSATION_SIZES = (1_000, 50_000)


def _next_query(body: dict) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(body["next"]).query).items()}


def _row(size: int, label: str, m: Measurement) -> list:
    results = len(m.body.get("results", [])) if isinstance(m.body, dict) else None
    return [f"{size:,}", label, m.status, results, m.calls_text(), m.items_read]


def _page_and_next(h: Harness, size: int, path: str, token: str, first_label: str, next_label: str) -> list[list]:
    """Rows of a list's first page (20 items) and of the page its `next` link leads to."""
    first = h.measure("GET", path, token=token, query={"page_size": "20"})
    following = h.measure("GET", path, token=token, query=_next_query(first.body))
    return [_row(size, first_label, first), _row(size, next_label, following)]


def _contacts(size: int) -> list[list]:
    from bench import bulk

    with Harness() as h:
        tenant = seed_tenant(f"Provedor {size}", f"c{size}")
        bulk.contacts(tenant.id, size)
        token = h.login(tenant.admin)
        h.measure("GET", "/api/contacts/", token=token)  # warm the function
        rows = _page_and_next(h, size, "/api/contacts/", token, "contacts, page 1", "contacts, next page")
        rows.append(
            _row(size, "search 'joao'", h.measure("GET", "/api/contacts/", token=token, query={"search": "joao"}))
        )
        rows.append(
            _row(size, "search '0001'", h.measure("GET", "/api/contacts/", token=token, query={"search": "0001"}))
        )
        return rows


def _conversations(size: int) -> list[list]:
    from bench import bulk
    from niochat import clock
    from niochat.domain.teams import new_membership, new_team
    from niochat.store import teams

    with Harness() as h:
        tenant = seed_tenant(f"Provedor {size}", f"v{size}")
        pid = tenant.id
        inbox = bulk.inbox(pid, 1)
        team = new_team(1, pid, name="Suporte", description="", is_active=True, now=clock.iso())
        teams.create_team(pid, team)
        teams.add_member(
            pid, new_membership(1, pid, team_id=1, user_id=tenant.agent.id, role="member", now=clock.iso())
        )
        from niochat.auth.sessions import refresh_sessions
        from niochat.store import users

        users.update(tenant.agent.id, {"permissions": ["view_team_unassigned", "view_ai_conversations"]})
        refresh_sessions(tenant.agent.id)
        bulk.contacts(pid, 100)
        bulk.conversations(pid, size, inbox["id"], team["id"], tenant.agent.id)
        admin, agent = h.login(tenant.admin), h.login(tenant.agent)
        h.measure("GET", "/api/conversations/", token=admin)  # warm the functions
        h.measure("GET", "/api/audit-logs/", token=admin)
        rows = _page_and_next(
            h, size, "/api/conversations/", admin, "conversations (admin, default)", "conversations, next page"
        )
        rows.append(
            _row(
                size,
                "conversations ?status=closed",
                h.measure("GET", "/api/conversations/", token=admin, query={"status": "closed"}),
            )
        )
        rows.append(
            _row(size, "conversations (agent: own + team + AI)", h.measure("GET", "/api/conversations/", token=agent))
        )
        rows += _page_and_next(h, size, "/api/audit-logs/", admin, "audit log, page 1", "audit log, next page")
        return rows


def run() -> list[str]:
    headers = ["size", "request", "status", "results", "DynamoDB calls", "items read"]
    contact_rows = [row for size in CONTACT_SIZES for row in _contacts(size)]
    conversation_rows = [row for size in CONVERSATION_SIZES for row in _conversations(size)]
    notes = [
        "In-process moto. 'items read': Query ScannedCount + GetItem + BatchGetItem items (what DynamoDB bills).",
        "The token read, the counters read and the page's batch read are included. Same rows at both sizes =",
        "cost independent of the provedor's size. Data is bulk-written with the store's key builders.",
    ]
    return [
        render("Contacts list and search: 100 vs 10,000 contacts", headers, contact_rows, notes),
        render("Conversations list and audit log: 1,000 vs 50,000 conversations", headers, conversation_rows, notes),
    ]
