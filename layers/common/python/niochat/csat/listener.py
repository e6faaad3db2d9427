"""The csat listener: a conversation's close makes its CSAT request; a new care cycle of the contact (the
conversation reopened, or a new one) cancels the contact's request that was not sent yet."""

from __future__ import annotations

from niochat.csat import requests
from niochat.domain.conversations import Status
from niochat.reactions.change import Change
from niochat.reactions.pipeline import Batch


class CsatListener:
    name = "csat"
    kinds = frozenset({"conversation"})

    def prepare(self, batch: Batch) -> None:
        return None  # closes are few; each reads what it needs

    def handle(self, change: Change, batch: Batch) -> None:
        new, old = change.new, change.old
        if new is None or change.provedor_id is None:
            return
        contact_id = int(new["contact_id"])
        if old is None:
            requests.on_new_cycle(change.provedor_id, contact_id, reopened=False)
            return
        closed_before, closed_now = old.get("status") == Status.CLOSED, new.get("status") == Status.CLOSED
        if closed_now and not closed_before:
            requests.on_close(new)
        elif closed_before and not closed_now:
            requests.on_new_cycle(change.provedor_id, contact_id, reopened=True)
