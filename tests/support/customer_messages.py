"""A customer's text message written the way the inbound path writes it (niochat.webhooks.ingest), without a
webhook delivery: for the tests and benchmarks that need customer messages in a conversation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from niochat import clock
from niochat.domain import cycles
from niochat.domain.messages import Message, new_inbound, new_message_id
from niochat.messages.views import last_message
from niochat.store import conversations, messages
from niochat.store.writes import Operation


def customer_text(
    provedor_id: int, conversation: Mapping[str, Any], content: str, external_id: str, message_id: int | None = None
) -> Message:
    """The customer's message saying `content` in `conversation` (its id, inbox_id and contact_id), received now."""
    return new_inbound(
        message_id if message_id is not None else new_message_id(clock.now()),
        provedor_id,
        conversation_id=conversation["id"],
        inbox_id=conversation["inbox_id"],
        contact_id=conversation["contact_id"],
        from_me=False,
        media_type="text",
        content=content,
        external_id=external_id,
        additional_attributes={},
        at=clock.iso(),
    )


def stored_ops(provedor_id: int, message: Message) -> list[Operation]:
    """The message's put and its conversation's update (last message, recency, one more incoming message, the
    care cycle), for one transaction."""
    return [
        messages.put_op(provedor_id, message),
        conversations.message_added_op(
            provedor_id,
            message["conversation"],
            last_message(message),
            message["created_at"],
            True,
            cycles.of_message(message, closed=False),
        ),
    ]
