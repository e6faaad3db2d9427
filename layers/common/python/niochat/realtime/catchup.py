"""`GET /api/events/?after=<seq>`: the events a client missed, by the same audience rules as live delivery.

The log is read with a Query (`seq > after`, oldest first) and filtered by audience; at most MAX_PAGES
pages are read per request, so a client that may see few of a busy provedor's events pages on with
`has_more` and `last_seq` (the last seq examined, shown or not). Seqs have no gaps (niochat.realtime.log),
so an event that is no longer kept (older than the retention) is noticed: `reset` is true and the client
reloads its state over REST, then continues from `last_seq`. Without `after`, the answer is the current
seq to start from.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from niochat import clock
from niochat.domain.users import Principal
from niochat.models import RequestModel
from niochat.realtime.audience import Member, may_receive, view
from niochat.realtime.log import event_of_item
from niochat.store import events as store

MAX_LIMIT = 500
MAX_PAGES = 4


class EventsQuery(RequestModel):
    after: int | None = Field(None, ge=0)
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    provedor: int | None = None


def member_for(caller: Principal, provedor_id: int) -> Member:
    from niochat.conversations.service import viewer_for

    return Member(viewer_for(caller, provedor_id))


def missed(member: Member, provedor_id: int, after: int | None, limit: int) -> dict[str, Any]:
    if after is None:
        return {"results": [], "last_seq": store.read_sequence(provedor_id), "has_more": False, "reset": False}
    now = int(clock.now())
    results: list[dict[str, Any]] = []
    last_seq, reset, has_more = after, False, False
    for _ in range(MAX_PAGES):
        page = store.after(provedor_id, last_seq, limit)
        for index, item in enumerate(page.items):
            event = event_of_item(item)
            kept = int(item.get("expires_at") or now) >= now
            reset = reset or event.seq != last_seq + 1 or not kept
            last_seq = event.seq
            if kept and may_receive(member, event.audience):
                results.append(view(event.wire, member))
            if len(results) == limit:
                has_more = index < len(page.items) - 1 or page.last_key is not None
                return _answer(results, last_seq, has_more, reset)
        if page.last_key is None:
            break
    else:
        has_more = True
    if last_seq == after:
        return _nothing_after(provedor_id, after)
    return _answer(results, last_seq, has_more, reset)


def _nothing_after(provedor_id: int, after: int) -> dict[str, Any]:
    """No event after `after`: up to date, or `after` is not a seq of this log any more (or yet)."""
    current = store.read_sequence(provedor_id)
    if current == after:
        return _answer([], after, False, False)
    if current > after and store.after(provedor_id, after, 1).items:  # logged since the Query above
        return _answer([], after, True, False)
    return _answer([], current, False, True)


def _answer(results: list[dict[str, Any]], last_seq: int, has_more: bool, reset: bool) -> dict[str, Any]:
    return {"results": results, "last_seq": last_seq, "has_more": has_more, "reset": reset}
