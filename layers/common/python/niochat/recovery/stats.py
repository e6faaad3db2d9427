"""GET /api/recovery/stats/: NioChat's shape, from the exact counters and the newest attempts and leads."""

from __future__ import annotations

from typing import Any

from niochat.domain import recovery
from niochat.store import recovery as store

RECENT = 20


def stats(provedor_id: int) -> dict[str, Any]:
    counts = store.counters(provedor_id)
    attempts = store.recent_attempts(provedor_id, RECENT)
    leads = store.recent_leads(provedor_id, RECENT)
    return {
        "stats": {
            "total_attempts": int(counts.get("attempts") or 0),
            "successful_recoveries": int(counts.get("recovered") or 0),
            "pending_recoveries": int(counts.get("pending") or 0),
            "conversion_rate": recovery.conversion_rate(
                int(counts.get("recovered") or 0), int(counts.get("leads_attempted") or 0)
            ),
            "recent_activities": [
                {
                    "id": a["id"],
                    "contact_name": a.get("contact_name") or "",
                    "phone": a.get("phone") or "",
                    "status": a["status"],
                    "message_sent": a.get("message_sent") or "",
                    "sent_at": a.get("sent_at"),
                    "recovery_reason": a.get("reason") or "",
                    "attempt_number": int(a["attempt_number"]),
                }
                for a in attempts
            ],
        },
        "conversations": [
            {
                "conversation_id": int(lead["conversation_id"]),
                "contact_name": lead.get("contact_name") or "",
                "phone": lead.get("phone") or "",
                "status": lead["status"],
                "attempts": int(lead.get("attempts") or 0),
                "keyword": lead.get("keyword"),
                "last_customer_at": lead.get("last_customer_at"),
                "last_attempt_at": lead.get("last_attempt_at"),
                "recovered_at": lead.get("recovered_at"),
            }
            for lead in leads
        ],
    }
