"""The aggregates listener: each inserted message, conversation or CSAT answer, and each CSAT survey sent, is a
fact (niochat.domain.reports), counted once into its day (niochat.store.aggregates) however often the stream
delivers it."""

from __future__ import annotations

from niochat.domain.reports import facts_of_change
from niochat.reactions.change import Change
from niochat.reactions.pipeline import Batch
from niochat.settings import get_settings
from niochat.store import aggregates


class AggregatesListener:
    name = "aggregates"
    kinds = frozenset({"message", "conversation", "csat_feedback", "csat_request"})

    def prepare(self, batch: Batch) -> None:
        return None  # every fact is its own transaction; nothing to read ahead

    def handle(self, change: Change, batch: Batch) -> None:
        if change.new is None or change.provedor_id is None:
            return
        offset = get_settings().report_utc_offset_minutes
        for fact in facts_of_change(change.kind, change.old, change.new, offset):
            aggregates.record(change.provedor_id, fact.id, fact.day, fact.amounts, fact.latest)
