"""Bulk data for the scale benchmarks: items built with the store's own key builders, written with
BatchWriteItem (25 per call) so that 50,000 conversations take seconds, not an hour of API calls. The
provedor's counters are set to what was written, as the transactional paths would have left them."""

from __future__ import annotations

from collections import Counter
from typing import Any

STATUSES = ("open", "pending", "snoozed", "closed")


def _write(items: list[dict[str, Any]]) -> None:
    from niochat.store.table import table

    t = table()
    for start in range(0, len(items), 25):
        request = {t.name: [{"PutRequest": {"Item": t.codec.dump(i)}} for i in items[start : start + 25]]}
        while request:
            request = t.client.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}


def _iso(n: int) -> str:
    """A distinct, increasing timestamp for item number n (one second apart)."""
    from datetime import UTC, datetime, timedelta

    moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=n)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def inbox(provedor_id: int, inbox_id: int, name: str = "WhatsApp", channel_type: str = "whatsapp") -> dict[str, Any]:
    """An inbox (WhatsApp unless told) with no provider configured, written straight to the store."""
    from tests.support.inboxes import stored_inbox

    secret = f"bench-secret-{provedor_id}-{inbox_id}"
    return stored_inbox(provedor_id, inbox_id, secret=secret, name=name, channel_type=channel_type)


def contacts(provedor_id: int, count: int, named: int = 10) -> list[int]:
    """`count` contacts with distinct phones; `named` of them are "João Teste <n>" (the search target)."""
    from niochat.domain.contacts import new_contact
    from niochat.store import contacts as store

    items: list[dict[str, Any]] = []
    ids = []
    for n in range(1, count + 1):
        name = f"João Teste {n}" if n <= named else f"Cliente{n} Sobrenome{n % 97}"
        contact = new_contact(n, provedor_id, name=name, phone=f"+55119{n:08d}", now=_iso(n))
        put = store.contacts.put_op(provedor_id, contact).item
        items.append(put)
        items += [op.item for op in store.index_puts(provedor_id, contact)]
        ids.append(n)
    _write(items)
    _set_counters(provedor_id, {"contact": count})
    _set_sequence(provedor_id, "contact", count)
    return ids


def conversations(provedor_id: int, count: int, inbox_id: int, team_id: int, agent_id: int) -> None:
    """`count` conversations over the first contacts (one each, cycling), statuses and assignees mixed,
    with one audit entry each."""
    from niochat.domain.audit import new_entry
    from niochat.domain.conversations import new_conversation
    from niochat.domain.users import Principal, UserType
    from niochat.store import audit
    from niochat.store import conversations as store

    agent = Principal(user_id=agent_id, provedor_id=provedor_id, user_type=UserType.AGENT, username="agent")
    amounts: Counter[str] = Counter()
    items: list[dict[str, Any]] = []
    for n in range(1, count + 1):
        assignee = agent_id if n % 3 == 0 else None
        team = team_id if n % 5 == 0 else None
        at = _iso(n)
        conversation = new_conversation(
            n, provedor_id, contact_id=1 + n % 100, inbox_id=inbox_id, channel_type="whatsapp", ai_enabled=False, now=at
        )
        conversation.update(
            {
                "status": STATUSES[n % 4],
                "assignee_id": assignee,
                "assignee": {"id": agent_id, "username": "agent", "first_name": "Agente"} if assignee else None,
                "team_id": team,
                "team": {"id": team_id, "name": "Suporte"} if team else None,
                "incoming_count": n % 7,
            }
        )
        item = {**conversation, **store.index_keys(provedor_id, conversation)}
        items.append(store.conversations.put_op(provedor_id, item).item)
        amounts.update(store.counter_amounts(None, conversation))
        entry = new_entry(n, provedor_id, "conversation_created", agent, {"conversation_id": n}, at)
        items.append(audit.put_op(provedor_id, entry).item)
        amounts.update(audit.counter_amounts(entry))
    _write(items)
    _set_counters(provedor_id, dict(amounts))
    _set_sequence(provedor_id, "conversation", count)
    _set_sequence(provedor_id, "audit", count)


def _set_counters(provedor_id: int, amounts: dict[str, int]) -> None:
    from niochat.store import counters
    from niochat.store.table import table

    table().transact([counters.add_many_op(provedor_id, amounts)])


def _set_sequence(provedor_id: int, kind: str, value: int) -> None:
    from niochat.store import keys
    from niochat.store.table import table
    from niochat.store.writes import Update

    table().write(Update("sequence", *keys.tenant_sequences(provedor_id)).set(kind, value))
