"""Recovery items.

- settings `P#<p>` / `RECOVERY#SETTINGS` {type: recovery_settings, enabled, delay_minutes, …, version}
- lead `P#<p>#RECOVERY` / `CONV#<conversation, 12 digits>` {type: recovery_lead, conversation_id, contact_name,
  phone, status (watching|attempting|recovered|stopped|no_response), keyword, attempts, last_customer_at,
  last_attempt_id, last_attempt_at, recovered_at, reason}: one per conversation, newest conversations last
- attempt `P#<p>#RECATT` / `<id, 16 digits>` {type: recovery_attempt, id, conversation_id, attempt_number,
  status (pending|sent|recovered|no_response|failed), message_sent, sent_at, reason, contact_name, phone,
  message_id}: ids are time-ordered, so the partition is the attempts newest first
- counters `P#<p>#RECOVERY` / `COUNTS` {attempts, recovered, pending, leads_attempted}, moved in the
  transaction of the change they count
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from niochat.store import keys
from niochat.store.table import Item, table
from niochat.store.writes import Put, Update

SETTINGS, LEAD, ATTEMPT, COUNTERS = "recovery_settings", "recovery_lead", "recovery_attempt", "recovery_counters"


def settings_key(provedor_id: int) -> tuple[str, str]:
    return keys.tenant(provedor_id), "RECOVERY#SETTINGS"


def leads_pk(provedor_id: int) -> str:
    return f"{keys.tenant(provedor_id)}#RECOVERY"


def lead_key(provedor_id: int, conversation_id: int) -> tuple[str, str]:
    return leads_pk(provedor_id), f"CONV#{conversation_id:012d}"


def attempts_pk(provedor_id: int) -> str:
    return f"{keys.tenant(provedor_id)}#RECATT"


def attempt_key(provedor_id: int, attempt_id: int) -> tuple[str, str]:
    return attempts_pk(provedor_id), f"{attempt_id:016d}"


def counters_key(provedor_id: int) -> tuple[str, str]:
    return leads_pk(provedor_id), "COUNTS"


def read_settings(provedor_id: int) -> Item | None:
    return table().get(*settings_key(provedor_id), consistent=True)


def lead(provedor_id: int, conversation_id: int) -> Item | None:
    return table().get(*lead_key(provedor_id, conversation_id), consistent=True)


def attempt(provedor_id: int, attempt_id: int) -> Item | None:
    return table().get(*attempt_key(provedor_id, attempt_id), consistent=True)


def counters(provedor_id: int) -> Item:
    return table().get(*counters_key(provedor_id), consistent=True) or {}


def put_attempt_op(provedor_id: int, attempt: Mapping[str, Any]) -> Put:
    pk, sk = attempt_key(provedor_id, int(attempt["id"]))
    item = {**attempt, "PK": pk, "SK": sk, "type": ATTEMPT, "provedor_id": provedor_id}
    return Put("attempt", item).when_absent()


def attempt_update(provedor_id: int, attempt_id: int, label: str = "attempt") -> Update:
    return Update(label, *attempt_key(provedor_id, attempt_id))


def lead_update(provedor_id: int, conversation_id: int) -> Update:
    return Update("lead", *lead_key(provedor_id, conversation_id))


def counters_op(provedor_id: int, amounts: Mapping[str, int]) -> Update:
    update = Update("counters", *counters_key(provedor_id)).set("type", COUNTERS)
    for name, amount in amounts.items():
        update.add(name, amount)
    return update


def recent_attempts(provedor_id: int, limit: int) -> list[Item]:
    return table().query(attempts_pk(provedor_id), limit=limit, forward=False).items


def recent_leads(provedor_id: int, limit: int) -> list[Item]:
    return table().query(leads_pk(provedor_id), sk_condition="begins_with(#sk, :conv)", values={":conv": "CONV#"},
                         limit=limit, forward=False).items  # fmt: skip
