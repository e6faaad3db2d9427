"""Entries of the realtime event log: the stored item and its one constructor (niochat.realtime.log numbers
and writes them)."""

from __future__ import annotations

from typing import TypedDict


class LoggedEvent(TypedDict):
    """An event as the log keeps it (the store adds keys, and the item claiming its id)."""

    provedor_id: int
    seq: int  # dense per provedor: every seq has its event
    event_id: str  # from the stream record's id, so a record delivered again makes the same ids
    event_type: str
    body: str  # the event as clients receive it, JSON
    audience: str  # who may receive it (niochat.realtime.events.Audience), JSON
    expires_at: int  # epoch seconds (the sweep deletes it then)


def new_logged_event(
    provedor_id: int, seq: int, event_id: str, event_type: str, body: str, audience: str, expires_at: int
) -> LoggedEvent:
    return {
        "provedor_id": provedor_id,
        "seq": seq,
        "event_id": event_id,
        "event_type": event_type,
        "body": body,
        "audience": audience,
        "expires_at": expires_at,
    }
