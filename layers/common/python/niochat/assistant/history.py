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


def recent(provedor_id: int, conversation_id: int, through: int | None = None) -> list[dict[str, Any]]:
    """The last HISTORY_MESSAGES messages of the conversation (up to message `through`, when given)."""
    page = table().query(
        messages.pk(provedor_id, conversation_id),
        sk_condition="#sk <= :through" if through is not None else "",
        values={":through": messages.message_sk(through)} if through is not None else None,
        limit=assistant.HISTORY_MESSAGES,
        forward=False,
        consistent=True,
    )
    return as_turns(reversed(page.items))
