"""CSAT reads at 10 and at 10,000 feedbacks: DynamoDB calls and items read of the statistics, the feedback
list (plain, by rating, by date window), one feedback and the requests list, on in-process moto.

The feedback, its requests and the day aggregates are bulk-written as the stream and the answer transactions
would have left them (bench.bulk's approach): the benchmark measures the reads.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.harness import Read, by_size, reads_by_size
from bench.report import render
from bench.seed import Account, Tenant

SIZES = (10, 10_000)
DAYS = 30


def _seed(provedor_id: int, agent: dict[str, Any], count: int) -> int:
    """`count` answered requests and their feedback over the last DAYS days; the newest feedback's id."""
    from bench.bulk import _write
    from niochat.domain import csat
    from niochat.domain.calendar import Calendar
    from niochat.domain.messages import new_message_id
    from niochat.domain.reports import feedback_fact, sent_fact
    from niochat.store import aggregates
    from niochat.store import csat as store

    calendar = Calendar()  # the provedor never set one: the default zone
    now = datetime.now(UTC)
    items: list[dict[str, Any]] = []
    days: dict[str, Counter[str]] = {}
    counters: Counter[str] = Counter()
    newest = 0
    agent_ref = {"id": agent["id"], "username": agent["username"], "first_name": agent.get("first_name", "")}
    for n in range(count):
        at = now - timedelta(seconds=(DAYS * 86400 - 60) * n / max(1, count))
        iso = at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        conversation = {"id": n + 1, "provedor_id": provedor_id, "contact_id": n + 1, "inbox_id": 1,
                        "assignee": agent_ref, "team": None, "closed_at": iso}  # fmt: skip
        request = csat.new_request(new_message_id(at.timestamp()), conversation, f"Cliente {n}", "whatsapp", iso, iso)
        request.update(status="answered", sent_at=iso, answered_at=iso)
        rating = csat.Rating(1 + n % 5, "comentário" if n % 3 else "")
        feedback = csat.new_feedback(new_message_id(at.timestamp()), request, {"name": f"Cliente {n}"}, rating,
                                     f"{rating.value}", "whatsapp", iso)  # fmt: skip
        request["feedback_id"] = feedback["id"]
        newest = max(newest, feedback["id"])
        items.append(store.put_request_op(provedor_id, request).item)
        items.append(store.put_feedback_op(provedor_id, feedback).item)
        for fact in (feedback_fact(feedback, calendar), sent_fact(request, calendar)):
            assert fact is not None
            days.setdefault(fact.day, Counter()).update(fact.amounts)
        counters.update(store.feedback_counts(feedback))
        counters.update(store.request_counts(request, "answered", 1))
    for day, amounts in days.items():
        pk, sk = aggregates.day_key(provedor_id, day)
        items.append({"PK": pk, "SK": sk, "type": aggregates.AGGREGATE, "day": day, "provedor_id": provedor_id,
                      **amounts})  # fmt: skip
    pk, sk = store.counters_key(provedor_id)
    items.append({"PK": pk, "SK": sk, "type": store.COUNTERS, **counters})
    _write(items)
    return newest


def _world(tenant: Tenant, size: int) -> tuple[Account, list[Read]]:
    newest = _seed(tenant.id, tenant.agent.user, size)
    today = datetime.now(UTC).date()
    window = {"date_from": (today - timedelta(days=6)).isoformat(), "date_to": today.isoformat()}
    reads = [
        ("stats (30 days)", "/api/csat/feedbacks/stats/", {"days": "30"}),
        ("feedback list, page 1", "/api/csat/feedbacks/", {}),
        ("feedback list, rating 5", "/api/csat/feedbacks/", {"rating": "5"}),
        ("feedback list, last 7 days", "/api/csat/feedbacks/", window),
        ("one feedback", f"/api/csat/feedbacks/{newest}/", {}),
        ("requests list, page 1", "/api/csat/requests/", {}),
        ("requests list, answered", "/api/csat/requests/", {"status": "answered"}),
    ]
    return tenant.admin, reads


def run() -> list[str]:
    results = reads_by_size(SIZES, _world)
    totals = {size: read[0][1].body["total_feedbacks"] for size, read in results.items()}
    headers, rows = by_size(results)
    return [
        render(
            "CSAT: DynamoDB calls per read, at 10 and at 10,000 feedbacks (functions/csat)",
            headers,
            rows,
            [
                f"In-process moto, warm function, the provedor's admin. Feedback spread over {DAYS} days; the stats",
                f"counted {totals[SIZES[0]]:,} and {totals[SIZES[-1]]:,}. Each read includes the token's GetItem.",
                "Stats: one Query of the window's day items + one Query of the 10 newest answers. Lists: one",
                "Query of page_size + 1 items and one GetItem of the counters (a date window: a Query of its days).",
            ],
        )
    ]
