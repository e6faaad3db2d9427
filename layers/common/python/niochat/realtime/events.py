"""Table changes → the seed's WebSocket events (pure: item images in, drafts out; no I/O).

A draft is an event before it is numbered: its type, provedor, data and audience. What needs a read is
left for niochat.realtime.stream to fill in: the facts of a message's conversation (`conversation_id`),
the API shape of a changed conversation (`conversation`), and `user_status` (which needs the user's other
connections).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, cast

from niochat.audit import views as audit_views
from niochat.domain.audit import AuditEntry
from niochat.domain.messages import Message
from niochat.domain.reports import is_count
from niochat.messages import views as message_views

Item = dict[str, Any]
STATUSES = ("open", "pending", "snoozed", "closed")
CONVERSATION_FIELDS = ("status", "assignee_id", "team_id")
_COUNTERS_PK = re.compile(r"^P#(\d+)$")


class Facts(NamedTuple):
    """What conversation visibility depends on (niochat.domain.conversations.can_see)."""

    status: str
    assignee_id: int | None
    team_id: int | None

    @classmethod
    def of(cls, conversation: Mapping[str, Any]) -> Facts:
        return cls(str(conversation["status"]), conversation.get("assignee_id"), conversation.get("team_id"))


class Audience(NamedTuple):
    """Who of the provedor's connections receives an event (niochat.realtime.audience decides)."""

    admins_only: bool = False
    # A conversation's event: admins, and agents who may see the conversation in one of these states.
    # None: not a conversation's event. (): a conversation nobody but admins may see (or not found).
    conversation: tuple[Facts, ...] | None = None
    # Everyone but this user (a user's own status).
    exclude_user: int | None = None
    # Only these users, admins included (team chat: a room's participants, two colleagues).
    users: tuple[int, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        facts = None if self.conversation is None else [[f.status, f.assignee_id, f.team_id] for f in self.conversation]
        raw: dict[str, Any] = {"admins_only": self.admins_only, "conversation": facts}
        raw["exclude_user"] = self.exclude_user
        if self.users is not None:
            raw["users"] = list(self.users)
        return raw

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Audience:
        facts, users = raw.get("conversation"), raw.get("users")
        return cls(
            admins_only=bool(raw.get("admins_only")),
            conversation=None if facts is None else tuple(Facts(*entry) for entry in facts),
            exclude_user=raw.get("exclude_user"),
            users=None if users is None else tuple(int(u) for u in users),
        )


EVERYONE = Audience()
ADMINS = Audience(admins_only=True)
UNKNOWN_CONVERSATION = Audience(conversation=())


@dataclass
class Draft:
    type: str
    provedor_id: int
    data: dict[str, Any]
    audience: Audience = EVERYONE
    # Set for message events: the conversation whose facts the audience needs (read by the stream).
    conversation_id: int | None = None
    # Set for conversation_updated: the item to render as the API shows it (rendered by the stream).
    conversation: Item | None = field(default=None, repr=False)
    # Set for dashboard_metrics: the changed item (counters or a day's aggregate); the stream reads the other.
    dashboard: Item | None = field(default=None, repr=False)
    # Team chat (niochat.realtime.chat_events): the room whose participants receive it, the chat message to
    # render, the user whose unread counts it carries.
    room_id: int | None = None
    chat_message: Item | None = field(default=None, repr=False)
    unread_for: int | None = None


def from_change(event_name: str, old: Item | None, new: Item | None) -> list[Draft]:
    """The events a change makes (none for most changes). `event_name`: INSERT, MODIFY or REMOVE."""
    item = new or old or {}
    kind = item.get("type")
    if kind == "message" and new is not None:
        return _message_events(old, new)
    if kind == "conversation" and new is not None:
        return _conversation_events(old, new)
    if kind == "counters" and new is not None:
        return _dashboard_events(old, new)
    if kind == "aggregate" and new is not None and _day_counts(old) != _day_counts(new):
        return [Draft("dashboard_metrics", int(new["provedor_id"]), {}, EVERYONE, dashboard=new)]
    if kind == "audit_log" and event_name == "INSERT" and new is not None:
        return [_audit_event(new)]
    if kind == "csat_feedback" and event_name == "INSERT" and new is not None:
        return [_csat_event(new)]
    if kind == "recovery_attempt" and new is not None and (old or {}).get("status") != new.get("status"):
        return [_recovery_event(new)]
    return []


# -- messages ---------------------------------------------------------------------------------------
def _attributes(item: Item | None) -> dict[str, Any]:
    return (item or {}).get("additional_attributes") or {}


def _message_events(old: Item | None, new: Item) -> list[Draft]:
    provedor_id, conversation_id = int(new["provedor_id"]), int(new["conversation"])
    message_id = new["id"]

    def draft(kind: str, data: dict[str, Any]) -> Draft:
        return Draft(kind, provedor_id, data, UNKNOWN_CONVERSATION, conversation_id=conversation_id)

    if old is None:
        shown = message_views.in_event(cast(Message, new))
        return [draft("chat_message", {"conversation_id": conversation_id, "message": shown})]
    drafts = []
    before, after = _attributes(old), _attributes(new)
    if after.get("reactions") != before.get("reactions"):
        reaction = changed_reaction(before.get("reactions"), after.get("reactions"))
        data = {"conversation_id": conversation_id, "message_id": message_id, "reaction": reaction}
        drafts.append(draft("message_reaction", {**data, "reactions": after.get("reactions") or []}))
    if after.get("deleted") and not before.get("deleted"):
        drafts.append(draft("message_deleted", {"conversation_id": conversation_id, "message_id": message_id}))
    return drafts


def _reaction_text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("reaction") or value.get("emoji") or "")
    return "" if value is None else str(value)


def changed_reaction(before: Any, after: Any) -> str:
    """The reaction just added or changed ("" when one was removed). Reactions are kept either as a list
    (of emojis or of {reaction|emoji, …}) or as a map reactor → emoji (or → {reaction|emoji, …})."""
    if isinstance(after, dict):
        old = before if isinstance(before, dict) else {}
        changed = [value for key, value in after.items() if old.get(key) != value]
        return _reaction_text(changed[-1]) if changed else ""
    if isinstance(after, list):
        old_list = before if isinstance(before, list) else []
        added = [value for value in after if value not in old_list]
        return _reaction_text(added[-1]) if added else ""
    return _reaction_text(after)


# -- conversations ------------------------------------------------------------------------------------
def _conversation_events(old: Item | None, new: Item) -> list[Draft]:
    if old is not None and all(old.get(name) == new.get(name) for name in CONVERSATION_FIELDS):
        return []
    facts = tuple(dict.fromkeys(Facts.of(item) for item in (old, new) if item is not None))
    # Whoever could see it before or can see it now: a viewer who loses sight learns that it left them.
    return [Draft("conversation_updated", int(new["provedor_id"]), {}, Audience(conversation=facts), conversation=new)]


# -- dashboard ----------------------------------------------------------------------------------------
def provedor_of_counters(item: Item) -> int | None:
    match = _COUNTERS_PK.match(str(item.get("PK", "")))
    return int(match.group(1)) if match and item.get("SK") == "COUNTERS" else None


def _conversation_counters(item: Item | None) -> dict[str, int]:
    return {k: int(v) for k, v in (item or {}).items() if k.startswith("cv_") and isinstance(v, int)}


def _day_counts(item: Item | None) -> dict[str, int]:
    """A day's counts (its maximums, like last_message_at, make no event of their own)."""
    return {name: int(value) for name, value in (item or {}).items() if is_count(name) and isinstance(value, int)}


def dashboard_data(counters: Item, today: dict[str, Any]) -> dict[str, Any]:
    """The provedor's conversation counts (`by_assignee` is for admins: niochat.realtime.audience.view) and
    today's counts (niochat.domain.reports.day_view)."""
    values = _conversation_counters(counters)
    per_status = {status: max(0, values.get(f"cv_{status}", 0)) for status in STATUSES}
    by_assignee: dict[str, dict[str, int]] = {}
    for name, amount in values.items():
        parts = name.split("_")  # cv_a_<assignee|none>_<status>
        if len(parts) == 4 and parts[1] == "a" and parts[3] in STATUSES and amount:
            by_assignee.setdefault(parts[2], dict.fromkeys(STATUSES, 0))[parts[3]] = max(0, amount)
    return {
        "total_conversations": sum(per_status.values()),
        **{f"{status}_conversations": per_status[status] for status in STATUSES},
        "by_assignee": by_assignee,
        "today": today,
    }


def _dashboard_events(old: Item | None, new: Item) -> list[Draft]:
    provedor_id = provedor_of_counters(new)
    if provedor_id is None or _conversation_counters(old) == _conversation_counters(new):
        return []
    return [Draft("dashboard_metrics", provedor_id, {}, EVERYONE, dashboard=new)]


# -- audit log ----------------------------------------------------------------------------------------
def _audit_event(item: Item) -> Draft:
    entry = cast(AuditEntry, item)
    return Draft("audit_log", int(entry["provedor_id"]), dict(audit_views.event_data(entry)), ADMINS)


# -- CSAT -------------------------------------------------------------------------------------------
def _csat_event(item: Item) -> Draft:
    """`csat_update`: to admins and to whoever may see the surveyed conversation as it was closed (its
    assignee then: a closed conversation is its assignee's)."""
    agent, team = item.get("agent") or {}, item.get("team") or {}
    data = {"conversation_id": item["conversation_id"], "rating": item["rating_value"],
            "feedback": item.get("feedback") or "", "feedback_id": item["id"], "emoji_rating": item["emoji_rating"],
            "agent": agent.get("id")}  # fmt: skip
    facts = (Facts("closed", agent.get("id"), team.get("id")),)
    return Draft("csat_update", int(item["provedor_id"]), data, Audience(conversation=facts))


# -- recovery ---------------------------------------------------------------------------------------
def _recovery_event(item: Item) -> Draft:
    """`recovery_update`: an attempt was sent (or failed) or recovered its lead; to admins."""
    data = {name: item.get(name) for name in ("id", "conversation_id", "attempt_number", "status", "contact_name",
                                              "phone", "message_sent", "sent_at", "reason")}  # fmt: skip
    return Draft("recovery_update", int(item["provedor_id"]), data, ADMINS)


# -- users ------------------------------------------------------------------------------------------
def user_status(provedor_id: int, user_id: int, status: str) -> Draft:
    return Draft("user_status", provedor_id, {"user_id": user_id, "status": status}, Audience(exclude_user=user_id))


def with_facts(draft: Draft, conversation: Mapping[str, Any] | None) -> Draft:
    """A message event's draft with its conversation's current facts (admins only when it is gone)."""
    facts = () if conversation is None else (Facts.of(conversation),)
    return replace(draft, audience=Audience(conversation=facts))
