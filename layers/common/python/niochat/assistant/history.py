"""The conversation as the model reads it: its last messages (one Query, newest first, then put in order),
the customer's as `user`, ours (agents', the platform's, the assistant's) as `assistant`; activity left out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from niochat.domain import assistant
from niochat.messages.views import MEDIA_LABELS
from niochat.store import messages
from niochat.store.table import table


def as_turns(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Messages in time order → chat turns."""
    turns = []
    for item in items:
        kind = item.get("message_type")
        if kind == "activity" or (item.get("additional_attributes") or {}).get("deleted"):
            continue
        content = str(item.get("content") or "").strip() or MEDIA_LABELS.get(str(item.get("media_type")), "")
        if not content:
            continue
        turns.append({"role": "user" if kind == "incoming" else "assistant", "content": content[:4000]})
    return turns


def _last(provedor_id: int, conversation_id: int) -> list[Mapping[str, Any]]:
    """The last HISTORY_MESSAGES message items, newest first."""
    page = table().query(
        messages.pk(provedor_id, conversation_id), limit=assistant.HISTORY_MESSAGES, forward=False, consistent=True
    )
    return list(page.items)


def recent(provedor_id: int, conversation_id: int) -> list[dict[str, Any]]:
    """The last HISTORY_MESSAGES messages of the conversation."""
    return as_turns(reversed(_last(provedor_id, conversation_id)))


def up_to_date(provedor_id: int, conversation_id: int, message_id: int) -> tuple[list[dict[str, Any]], int]:
    """The conversation as it is now, and the latest customer message in it (at least `message_id`): customer
    messages stored since the stream delivered `message_id` are answered in the same answer, not once more."""
    items = _last(provedor_id, conversation_id)
    incoming = [int(item["id"]) for item in items if item.get("message_type") == "incoming"]
    return as_turns(reversed(items)), max([message_id, *incoming])
