"""Exact aggregates: a derived fact counted once, whatever the number of deliveries.

- day `P#<p>#AGG` / `DAY#<YYYY-MM-DD>` {type: aggregate, day, <count>: n…, <maximum>…}
  (names: niochat.domain.reports)
- claim `P#<p>#FACT` / `<fact id>` {type: fact_claim, expires_at}: the fact was counted. Written in the same
  transaction as the ADDs, with `attribute_not_exists`: a fact delivered again fails the claim, and nothing
  is added twice. Claims outlive the stream's 24 h record age (FACT_CLAIM_SECONDS), then the sweep deletes them.
- maximums are a conditional SET outside the transaction (applying one twice changes nothing).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from niochat import clock
from niochat.domain.reports import Fact
from niochat.store import due, keys
from niochat.store.table import Item, table
from niochat.store.writes import ConditionFailed, Delete, Put, Update, field

AGGREGATE = "aggregate"
CLAIM = "fact_claim"
FACT_CLAIM_SECONDS = 3 * 24 * 3600


def day_key(provedor_id: int, day: str) -> tuple[str, str]:
    return f"{keys.tenant(provedor_id)}#AGG", f"DAY#{day}"


def claim_key(provedor_id: int, fact_id: str) -> tuple[str, str]:
    return f"{keys.tenant(provedor_id)}#FACT", fact_id


def record(provedor_id: int, fact: Fact) -> bool:
    """Count `fact` into its day (False: it was counted before; nothing changed)."""
    day = fact.day
    pk, sk = day_key(provedor_id, day)
    claim_pk, claim_sk = claim_key(provedor_id, fact.id)
    claim = {"PK": claim_pk, "SK": claim_sk, "type": CLAIM, "day": day,
             "expires_at": int(clock.now()) + FACT_CLAIM_SECONDS}  # fmt: skip
    update = Update("aggregate", pk, sk).set("type", AGGREGATE).set("day", day).set("provedor_id", provedor_id)
    for name, amount in fact.amounts.items():
        update.add(name, amount)
    counted = True
    try:
        table().transact([Put("claim", due.expiring(claim)).when_absent(), update])
    except ConditionFailed as failed:
        if not failed.on("claim"):
            raise
        counted = False
    for name, value in fact.maxima.items():
        op = (
            Update("maximum", pk, sk)
            .set(name, value)
            .set("type", AGGREGATE)
            .set("day", day)
            .set("provedor_id", provedor_id)
            .when(field(name).not_exists() | field(name).lt(value))
        )
        with contextlib.suppress(ConditionFailed):  # a later value is there already
            table().write(op)
    return counted


def read_day(provedor_id: int, day: str) -> Item | None:
    return table().get(*day_key(provedor_id, day), consistent=True)


def window(provedor_id: int, first: str, last: str) -> list[Item]:
    """The provedor's day items from `first` to `last` (YYYY-MM-DD, inclusive): one Query, whatever the volume
    of conversations (a day item's size grows with the number of agents, not of conversations)."""
    pk, _ = day_key(provedor_id, "")
    return table().query_all(
        pk,
        sk_condition="#sk BETWEEN :low AND :high",
        values={":low": f"DAY#{first}", ":high": f"DAY#{last}"},
        consistent=True,
    )


def days(provedor_id: int) -> list[Item]:
    """Every day item of the provedor (recount and tests: a bounded, per-provedor partition)."""
    return table().query_all(day_key(provedor_id, "")[0], consistent=True)


def replace_days(provedor_id: int, totals: Mapping[str, Mapping[str, Any]]) -> None:
    """Make the provedor's day items exactly `totals` (day → values): recount's write."""
    for day, values in totals.items():
        pk, sk = day_key(provedor_id, day)
        item: dict[str, Any] = {"PK": pk, "SK": sk, "type": AGGREGATE, "day": day, "provedor_id": provedor_id}
        table().write(Put("aggregate", {**item, **values}))
    for stale in days(provedor_id):
        if stale["day"] not in totals:
            table().write(Delete("aggregate", stale["PK"], stale["SK"]))
