"""The aggregates listener: each inserted message, conversation or CSAT answer, each CSAT survey sent, and
each conversation change that is a sample (a first response, a reply, a resolution) is a fact
(niochat.domain.reports), counted once into its local day (niochat.store.aggregates) however often the stream
delivers it. Days and business-hours durations use the provedor's calendar, read once per batch."""

from __future__ import annotations

from niochat.domain.calendar import Calendar
from niochat.domain.reports import facts_of_change
from niochat.reactions.change import Change
from niochat.reactions.pipeline import Batch
from niochat.store import aggregates, calendars


class AggregatesListener:
    name = "aggregates"
    kinds = frozenset({"message", "conversation", "csat_feedback", "csat_request"})

    def prepare(self, batch: Batch) -> None:
        wanted = {c.provedor_id for c in batch.changes if c.kind in self.kinds and c.provedor_id is not None}
        if wanted:
            known: dict[int, Calendar] = batch.state(self.name, dict)
            known.update(calendars.calendars(wanted))

    def _calendar(self, provedor_id: int, batch: Batch) -> Calendar:
        known: dict[int, Calendar] = batch.state(self.name, dict)
        if provedor_id not in known:
            known[provedor_id] = calendars.calendar(provedor_id)
        return known[provedor_id]

    def handle(self, change: Change, batch: Batch) -> None:
        if change.new is None or change.provedor_id is None:
            return
        calendar = self._calendar(change.provedor_id, batch)
        for fact in facts_of_change(change.kind, change.old, change.new, calendar):
            aggregates.record(change.provedor_id, fact)
