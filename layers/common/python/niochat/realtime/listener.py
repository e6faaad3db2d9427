"""The realtime listener: table changes → events → the event log → the audience's connections.

One change at a time (niochat.reactions.pipeline), with what a batch shares kept in a `Shared`: each
provedor's connections (one Query per provedor per batch, kept current with the connection changes and 410s
the batch sees) and the conversations message events need (one BatchGetItem for the batch's messages, read
in `prepare`). The DynamoDB calls of a fan-out depend on the provedor's own connections only, never on
other provedores'. Idempotent: an event's id is the stream record's id and its index, and the log appends
an id once (niochat.realtime.log), so a re-delivered record posts nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, cast

from aws_lambda_powertools import Logger

from niochat import clock
from niochat.domain.conversations import Conversation
from niochat.domain.reports import day_view
from niochat.reactions import pipeline
from niochat.reactions.change import Change
from niochat.realtime import audience, chat_events, events, fanout
from niochat.realtime.events import Audience, Draft
from niochat.realtime.log import Event, event_log
from niochat.store import aggregates, calendars, connections
from niochat.store import chat as chat_store
from niochat.store import conversations as conversation_store
from niochat.store import counters as counter_store
from niochat.store import events as log_store
from niochat.store import tokens as token_store
from niochat.store.table import Item, table

logger = Logger(child=True)


class Shared:
    """The realtime state of one stream batch."""

    def __init__(self) -> None:
        self._connections: dict[int, dict[str, Item]] = {}
        self._conversations: dict[tuple[int, int], Mapping[str, Any] | None] = {}
        self._rooms: dict[tuple[int, int], Mapping[str, Any] | None] = {}
        # Users told their unread counts in this batch: the counts were read after every record of the batch
        # was written, so one `unread_count_update` per user and batch is the newest there is.
        self.unread_told: set[tuple[int, int]] = set()

    def room(self, provedor_id: int, room_id: int) -> Mapping[str, Any] | None:
        """A chat room (its participants), read once per batch."""
        key = (provedor_id, room_id)
        if key not in self._rooms:
            self._rooms[key] = chat_store.get_room(provedor_id, room_id)
        return self._rooms[key]

    def connections_of(self, provedor_id: int) -> dict[str, Item]:
        """The provedor's connections whose session is still valid (one Query and one BatchGetItem of their
        tokens per batch): a connection whose close was missed never receives an event."""
        if provedor_id not in self._connections:
            found = connections.of_provedor(provedor_id)
            self._connections[provedor_id] = {c["connection_id"]: c for c in _with_live_sessions(found)}
        return self._connections[provedor_id]

    def conversation(self, provedor_id: int, conversation_id: int) -> Mapping[str, Any] | None:
        key = (provedor_id, conversation_id)
        if key not in self._conversations:
            self._conversations[key] = conversation_store.conversations.get(provedor_id, conversation_id)
        return self._conversations[key]

    def remember_conversation(self, conversation: Mapping[str, Any]) -> None:
        self._conversations[(int(conversation["provedor_id"]), int(conversation["id"]))] = conversation

    def prefetch_conversations(self, images: list[Item]) -> None:
        """Read the conversations of the batch's messages with one BatchGetItem (best effort: a record whose
        conversation was not read here reads it with one GetItem)."""
        wanted = {
            (int(image["provedor_id"]), int(image["conversation"]))
            for image in images
            if image.get("type") == "message" and "conversation" in image and "provedor_id" in image
        }
        wanted -= set(self._conversations)
        if not wanted:
            return
        try:
            found = table().batch_get([conversation_store.conversations.key(p, c) for p, c in wanted])
        except Exception:  # only an optimisation: any failure leaves each record to read its own conversation
            logger.warning("prefetching conversations failed; records will read their own", exc_info=True)
            return
        for key in wanted:
            self._conversations[key] = None
        for item in found:
            self.remember_conversation(item)


def _with_live_sessions(found: list[Item]) -> list[Item]:
    hashes = {c["token_hash"] for c in found if c.get("token_hash")}
    if not hashes:
        return found
    now = int(clock.now())
    live = {
        token["GSI1SK"]
        for token in token_store.get_many(sorted(hashes))
        if token.get("provedor_active", True) and int(token.get("expires_at") or now) >= now
    }
    return [c for c in found if not c.get("token_hash") or c["token_hash"] in live]


class RealtimeListener:
    name = "realtime"
    kinds = frozenset(
        {
            "message",
            "conversation",
            "counters",
            "aggregate",
            "audit_log",
            "ws_connection",
            "csat_feedback",
            "recovery_attempt",
        }
        | chat_events.KINDS
    )

    def prepare(self, batch: pipeline.Batch) -> None:
        images = [c.new for c in batch.changes if c.kind == "message" and c.new is not None]
        shared_state(batch).prefetch_conversations(images)

    def handle(self, change: Change, batch: pipeline.Batch) -> None:
        old = change.old
        if change.kind in DASHBOARD_KINDS:
            if batch.superseded(change):
                return  # a later record of this batch changes the same item: its event shows the newer counts
            old = batch.before_batch(change)  # so the counts this batch moved are seen as moved
        handle_change(change.event_id, change.event_name, old, change.new, shared_state(batch))


DASHBOARD_KINDS = frozenset({"counters", "aggregate"})


def shared_state(batch: pipeline.Batch) -> Shared:
    return batch.state(RealtimeListener.name, Shared)


def handle_change(
    event_id: str, event_name: str, old: Item | None, new: Item | None, batch: Shared | None = None
) -> list[Event]:
    """React to one table change; the events it made, as logged (ignored types make none). Without a
    `batch`, the change is handled on its own."""
    item = new or old or {}
    if log_store.is_log_item(item):
        return []
    batch = batch if batch is not None else Shared()
    if item.get("type") == "ws_connection":
        drafts = _connection_change(batch, event_name, old, new)
    elif item.get("type") in chat_events.KINDS:
        drafts = chat_events.chat_events(event_name, old, new)
    else:
        drafts = events.from_change(event_name, old, new)
        if item.get("type") == "conversation" and new is not None:
            batch.remember_conversation(new)
    if not drafts:
        return []
    drafts = [done for done in (_complete(batch, draft) for draft in drafts) if done is not None]
    drafts += [more for draft in drafts for more in _unread_of_room_post(batch, draft)]
    if not drafts:
        return []
    logged: list[Event] = []
    for provedor_id in dict.fromkeys(draft.provedor_id for draft in drafts):
        numbered = [(f"{event_id}#{n}", d) for n, d in enumerate(drafts) if d.provedor_id == provedor_id]
        these = event_log().append(provedor_id, numbered)
        deliver(batch, provedor_id, these)
        logged += these
    return logged


def _complete(batch: Shared, draft: Draft) -> Draft | None:
    """Fill in what a draft needs a read for: its conversation's facts, or its conversation's API shape."""
    if draft.conversation_id is not None:
        return events.with_facts(draft, batch.conversation(draft.provedor_id, draft.conversation_id))
    if draft.conversation is not None:
        from niochat.conversations.views import render

        # Rendered once for everyone: without `unread_count`, which is the reader's own (documented).
        shown = render(draft.provedor_id, 0, [cast(Conversation, draft.conversation)])[0]
        shown.pop("unread_count", None)
        return replace(draft, data={"conversation": shown}, conversation=None)
    if draft.dashboard is not None:
        return _dashboard(draft, draft.dashboard)
    if draft.room_id is not None or draft.chat_message is not None or draft.unread_for is not None:
        return _chat(batch, draft)
    return draft


def _chat(batch: Shared, draft: Draft) -> Draft | None:
    """A chat draft with its audience (a room's participants), its message as the API shows it, or the unread
    counts of its user. None: the room is gone."""
    from niochat.chat import views

    if draft.unread_for is not None:
        return _complete_unread(batch, draft)
    audience_now = draft.audience
    if draft.room_id is not None:
        room = batch.room(draft.provedor_id, draft.room_id)
        if room is None:
            return None
        audience_now = Audience(users=tuple(int(u) for u in room.get("participants") or {}))
    message = cast(Any, draft.chat_message)
    shown = views.messages([message], "")[0]  # file links relative to the API root (no request here)
    data: dict[str, Any] = {"room_id": message.get("room"), "message": shown}
    if draft.type == "internal_chat_reaction":
        data.update(message_id=shown["id"], reactions=shown["reactions"])
    if draft.type == "private_message":
        data = {"sender": shown["sender"], "recipient": shown["recipient"], "message": shown}
    return replace(draft, data=data, audience=audience_now, room_id=None, chat_message=None)


def _unread_of_room_post(batch: Shared, draft: Draft) -> list[Draft]:
    """A new room message changes the unread counts of its other participants: those connected now are told
    (someone not connected reads the counts when they connect)."""
    if draft.type != "internal_chat_message" or draft.audience.users is None:
        return []
    sender = int(draft.data["message"]["sender"]["id"]) if draft.data["message"].get("sender") else 0
    connected = {int(c["user_id"]) for c in batch.connections_of(draft.provedor_id).values()}
    others = [u for u in draft.audience.users if u != sender and u in connected]
    told = [_complete_unread(batch, chat_events.unread_for(draft.provedor_id, u)) for u in others]
    return [done for done in told if done is not None]


def _complete_unread(batch: Shared, draft: Draft) -> Draft | None:
    """The user's unread counts, once per batch (None: told already in this batch)."""
    from niochat.chat import unread

    assert draft.unread_for is not None
    key = (draft.provedor_id, draft.unread_for)
    if key in batch.unread_told:
        return None
    batch.unread_told.add(key)
    return replace(draft, data=unread.summary(draft.provedor_id, draft.unread_for), unread_for=None)


def _dashboard(draft: Draft, changed: Item) -> Draft | None:
    """`dashboard_metrics` with the provedor's counters and today's counts (the changed one of the two
    comes with the change, the other is one read); None for a change to another day than today."""
    provedor_id = draft.provedor_id
    today = calendars.calendar(provedor_id).day(clock.iso())
    day: Item | None
    if changed.get("type") == "aggregate":
        if changed.get("day") != today:
            return None
        counters, day = counter_store.read_item(provedor_id), changed
    else:
        counters, day = changed, aggregates.read_day(provedor_id, today)
    return replace(draft, data=events.dashboard_data(counters, day_view(today, day)), dashboard=None)


def _live(connection: Item, now: int) -> bool:
    return int(connection.get("expires_at") or now) >= now


def _connection_change(batch: Shared, event_name: str, old: Item | None, new: Item | None) -> list[Draft]:
    """`user_status`: online when no earlier connection of the user is open, offline when none is left."""
    connection = new or old or {}
    provedor_id = connection.get("provedor_id")
    if provedor_id is None:  # a superadmin's connection: no provedor to tell
        return []
    provedor_id, user_id = int(provedor_id), int(connection["user_id"])
    known = batch.connections_of(provedor_id)
    connection_id, now = connection["connection_id"], int(clock.now())
    if event_name == "REMOVE":
        known.pop(connection_id, None)
        others = [c for c in known.values() if int(c["user_id"]) == user_id and _live(c, now)]
        return [] if others else [events.user_status(provedor_id, user_id, "offline")]
    known[connection_id] = connection
    if event_name != "INSERT":
        return []
    mine = (int(connection.get("connected_at") or 0), connection_id)
    earlier = [
        c
        for c in known.values()
        if int(c["user_id"]) == user_id
        and c["connection_id"] != connection_id
        and _live(c, now)
        and (int(c.get("connected_at") or 0), c["connection_id"]) < mine
    ]
    return [] if earlier else [events.user_status(provedor_id, user_id, "online")]


def deliver(batch: Shared, provedor_id: int, logged: list[Event]) -> fanout.FanoutResult:
    """Post each event to the provedor's connections that may receive it, each in the view it gets."""
    known = batch.connections_of(provedor_id)
    total = fanout.FanoutResult()
    now = int(clock.now())
    for event in logged:
        frames: dict[Any, bytes] = {}
        deliveries = []
        for connection, member in audience.recipients(list(known.values()), event.audience, now):
            per_viewer = event.wire["type"] == "dashboard_metrics"
            key = ("admin" if member.is_admin else member.user_id) if per_viewer else None
            if key not in frames:
                frames[key] = fanout.frame(audience.view(event.wire, member))
            deliveries.append((connection["connection_id"], frames[key]))
        result = fanout.post(deliveries)
        for connection_id in result.gone:
            known.pop(connection_id, None)
        total.delivered += result.delivered
        total.gone += result.gone
        total.kept += result.kept
        total.failed += result.failed
    return total
