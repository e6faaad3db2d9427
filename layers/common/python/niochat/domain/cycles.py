"""Care cycles (pure): what a conversation keeps so that its response and resolution times can be derived.

A **care cycle** runs from a conversation's creation or reopening to its close. The conversation item keeps
the cycle's state, moved in the same write as the moment that moves it:

| field | meaning | moved by |
|---|---|---|
| `cycle` | the cycle's number (1 at creation) | a reopen adds one |
| `cycle_started_at` | when the cycle began | creation, reopen |
| `handoff_at` | the latest hand-off from the AI to humans in this cycle | an action leaving `snoozed` |
| `waiting_since` | the first customer message since the last human reply | a customer message (kept if set) |
| `first_reply_at`, `first_reply_by` | the cycle's first human reply and its agent's id | a human reply (kept if set) |
| `last_reply_at`, `last_reply_id`, `last_reply_by` | the latest human reply (its agent as a UserRef) | a human reply |

A **human reply** is an outgoing message an agent sent (it has a `sender`): not the platform's own messages
(CSAT survey and thanks), not the AI's, not messages sent from the phone itself (echoes with no sender), not
activity. A **customer message** is an incoming message while the conversation is active (a CSAT answer
arrives in a closed conversation and waits for no reply).

A `CycleChange` is data — values to set, values to set only when absent, attributes to remove — so the write
path turns it into an UpdateItem (niochat.store.conversations) and the recount applies the very same change
to a dict (`applied`): one definition of what each moment does. niochat.domain.reports derives the samples
from two successive states.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from niochat.domain.conversations import Status
from niochat.domain.users import UserRef

FIELDS = (
    "cycle", "cycle_started_at", "handoff_at", "waiting_since", "first_reply_at", "first_reply_by",
    "last_reply_at", "last_reply_id", "last_reply_by",
)  # fmt: skip
SNOOZED, CLOSED = str(Status.SNOOZED), str(Status.CLOSED)


class CycleChange(NamedTuple):
    """Made by this module's functions, through `_change` (which refuses a change touching an attribute twice)."""

    sets: Mapping[str, Any] = MappingProxyType({})
    defaults: Mapping[str, Any] = MappingProxyType({})  # set only when the attribute has no value
    removes: tuple[str, ...] = ()

    def applied(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """`item` after this change, as DynamoDB would leave it."""
        after = {name: value for name, value in item.items() if name not in self.removes}
        for name, value in self.defaults.items():
            if after.get(name) is None:
                after[name] = value
        after.update(self.sets)
        return after


def _change(
    sets: Mapping[str, Any] = MappingProxyType({}),
    defaults: Mapping[str, Any] = MappingProxyType({}),
    removes: tuple[str, ...] = (),
) -> CycleChange:
    touched = [*sets, *defaults, *removes]
    if len(touched) != len(set(touched)):
        raise ValueError("a cycle change touches each attribute once")
    return CycleChange(sets, defaults, removes)


NOTHING = CycleChange()


def initial(created_at: str) -> dict[str, Any]:
    """The cycle fields of a new conversation."""
    return {"cycle": 1, "cycle_started_at": created_at}


def customer_message(at: str) -> CycleChange:
    return _change(defaults={"waiting_since": at})


def human_reply(at: str, message_id: int, sender: UserRef) -> CycleChange:
    return _change(
        sets={"last_reply_at": at, "last_reply_id": message_id, "last_reply_by": dict(sender)},
        defaults={"first_reply_at": at, "first_reply_by": sender["id"]},
        removes=("waiting_since",),
    )


def handoff(at: str) -> CycleChange:
    return _change(sets={"handoff_at": at})


def reopen(at: str, cycle: int) -> CycleChange:
    return _change(
        sets={"cycle": cycle + 1, "cycle_started_at": at},
        removes=("handoff_at", "waiting_since", "first_reply_at", "first_reply_by"),
    )


def of_message(message: Mapping[str, Any], closed: bool) -> CycleChange:
    """What a stored message does to its conversation's cycle (`closed`: the conversation is closed)."""
    kind = message.get("message_type")
    if kind == "incoming":
        return NOTHING if closed else customer_message(str(message["created_at"]))
    sender = message.get("sender") or None
    if kind == "outgoing" and sender and sender.get("id") is not None:
        return human_reply(str(message["created_at"]), int(message["id"]), sender)
    return NOTHING


def of_action(before: Mapping[str, Any], after_status: str, at: str) -> CycleChange:
    """What an action does to the cycle: a reopen starts the next one; leaving `snoozed` is a hand-off."""
    if before.get("status") == CLOSED and after_status != CLOSED:
        return reopen(at, cycle_of(before))
    if before.get("status") == SNOOZED and after_status not in (SNOOZED, CLOSED):
        return handoff(at)
    return NOTHING


def cycle_of(conversation: Mapping[str, Any]) -> int:
    """The conversation's cycle (1 for one stored before cycles were kept)."""
    return int(conversation.get("cycle") or 1)


def cycle_start(conversation: Mapping[str, Any]) -> str:
    return str(conversation.get("cycle_started_at") or conversation.get("created_at") or "")
