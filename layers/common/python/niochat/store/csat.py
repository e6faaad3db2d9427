"""CSAT items: settings, requests, feedback, the contact's latest request, and their counters.

- settings `P#<p>` / `CSAT#SETTINGS` {type: csat_settings, enabled, delay_minutes, …, inboxes: {<id>: {…}},
  webhook_secret_hash}
- webhook secret `CSATSECRET#<sha256>` / `CSATSECRET` {provedor_id}: authenticates POST /api/csat/webhook/
  with one GetItem (the secret itself is never stored)
- request `P#<p>#CSATREQ` / `<id, 16 digits>` {type: csat_request, …}; GSI1 `P#<p>#CSATREQ#S#<status>`,
  GSI2 `P#<p>#CSATREQ#A#<agent id|none>` (sort keys: the id, so every list is newest first)
- feedback `P#<p>#CSATFB` / `<id>` {type: csat_feedback, …}; GSI1 `P#<p>#CSATFB#R#<rating>`, GSI2
  `P#<p>#CSATFB#A#<agent id|none>`. Ids are time-ordered (niochat.domain.messages.new_message_id of the
  answer time), so a date range is a sort-key range.
- the contact's latest request `P#<p>#CSAT` / `CONTACT#<contact id>` {request_id, conversation_id, status}:
  what reading an answer needs, in one GetItem
- cycle claim `P#<p>#CSAT` / `CYCLE#<conversation id>#<version>` (the conversation's version the close made):
  a close makes one request, however often the stream delivers it
- counters `P#<p>#CSAT` / `COUNTS`: `req_<status>`, `req_a_<agent>_<status>`, `fb`, `fb_r<rating>`,
  `fb_a_<agent>`, `fb_a_<agent>_r<rating>`, moved in the transaction of the change they count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, NamedTuple, cast

from niochat.domain.csat import CsatRequest, Feedback
from niochat.store import keys
from niochat.store.table import Item, table
from niochat.store.writes import Put, Update, field

SETTINGS = "csat_settings"
REQUEST = "csat_request"
FEEDBACK = "csat_feedback"
POINTER = "csat_pointer"
CYCLE = "csat_cycle"
COUNTERS = "csat_counters"


def sort_id(item_id: int) -> str:
    return f"{item_id:016d}"


def _who(agent: Mapping[str, Any] | None) -> str:
    return str(agent["id"]) if agent else "none"


def agent_key(agent_id: int | None) -> str:
    return "none" if agent_id is None else str(agent_id)


# -- keys ----------------------------------------------------------------------------------------------------
def settings_key(provedor_id: int) -> tuple[str, str]:
    return keys.tenant(provedor_id), "CSAT#SETTINGS"


def secret_key(secret_hash: str) -> tuple[str, str]:
    return f"CSATSECRET#{secret_hash}", "CSATSECRET"


class Listed(NamedTuple):
    """Requests or feedback: an item at `P#<p>#<tag>` / `<id, 16 digits>`, listed again by GSI1
    `…#<letter>#<value>` (the value of its field `listed_by`: a request's status, a feedback's rating) and by
    GSI2 `…#A#<agent id|none>`; every list is sorted by the id."""

    tag: str
    letter: str
    listed_by: str
    item_type: str
    label: str  # of the operation that puts it

    def pk(self, provedor_id: int) -> str:
        return f"{keys.tenant(provedor_id)}#{self.tag}"

    def key(self, provedor_id: int, item_id: int) -> tuple[str, str]:
        return self.pk(provedor_id), sort_id(item_id)

    def by_pk(self, provedor_id: int, value: object) -> str:
        """GSI1's partition of the items whose `listed_by` is `value`."""
        return f"{self.pk(provedor_id)}#{self.letter}#{value}"

    def by_agent_pk(self, provedor_id: int, agent: str) -> str:
        return f"{self.pk(provedor_id)}#A#{agent}"

    def index_keys(self, provedor_id: int, item: Mapping[str, Any]) -> dict[str, str]:
        sort = sort_id(int(item["id"]))
        return {
            "GSI1PK": self.by_pk(provedor_id, item[self.listed_by]),
            "GSI1SK": sort,
            "GSI2PK": self.by_agent_pk(provedor_id, _who(item.get("agent"))),
            "GSI2SK": sort,
        }

    def put_op(self, provedor_id: int, item: Mapping[str, Any]) -> Put:
        pk, sk = self.key(provedor_id, int(item["id"]))
        full = {"PK": pk, "SK": sk, "type": self.item_type, **item, **self.index_keys(provedor_id, item)}
        return Put(self.label, full).when_absent()


REQUESTS = Listed("CSATREQ", "S", "status", REQUEST, "request")
FEEDBACKS = Listed("CSATFB", "R", "rating_value", FEEDBACK, "feedback")


def pointer_key(provedor_id: int, contact_id: int) -> tuple[str, str]:
    return f"{keys.tenant(provedor_id)}#CSAT", f"CONTACT#{contact_id}"


def cycle_key(provedor_id: int, conversation_id: int, version: int) -> tuple[str, str]:
    return f"{keys.tenant(provedor_id)}#CSAT", f"CYCLE#{conversation_id}#{version}"


def counters_key(provedor_id: int) -> tuple[str, str]:
    return f"{keys.tenant(provedor_id)}#CSAT", "COUNTS"


# -- reads ---------------------------------------------------------------------------------------------------
def read_settings(provedor_id: int) -> Item | None:
    return table().get(*settings_key(provedor_id), consistent=True)


def get_request(provedor_id: int, request_id: int, consistent: bool = True) -> CsatRequest | None:
    return cast("CsatRequest | None", table().get(*REQUESTS.key(provedor_id, request_id), consistent=consistent))


def get_feedback(provedor_id: int, feedback_id: int) -> Feedback | None:
    return cast("Feedback | None", table().get(*FEEDBACKS.key(provedor_id, feedback_id)))


def pointer(provedor_id: int, contact_id: int) -> Item | None:
    return table().get(*pointer_key(provedor_id, contact_id), consistent=True)


def counters(provedor_id: int) -> dict[str, int]:
    item = table().get(*counters_key(provedor_id), consistent=True) or {}
    return {k: int(v) for k, v in item.items() if isinstance(v, int)}


# -- writes --------------------------------------------------------------------------------------------------
def request_counts(request: Mapping[str, Any], status: str, amount: int) -> Counter[str]:
    return Counter({f"req_{status}": amount, f"req_a_{_who(request.get('agent'))}_{status}": amount})


def counters_op(provedor_id: int, amounts: Mapping[str, int]) -> Update:
    op = Update("counters", *counters_key(provedor_id)).set("type", COUNTERS)
    for name, amount in amounts.items():
        if amount:
            op.add(name, amount)
    return op


def put_request_op(provedor_id: int, request: CsatRequest) -> Put:
    return REQUESTS.put_op(provedor_id, request)


def pointer_op(provedor_id: int, request: Mapping[str, Any], status: str) -> Put:
    pk, sk = pointer_key(provedor_id, int(request["contact_id"]))
    item = {"PK": pk, "SK": sk, "type": POINTER, "provedor_id": provedor_id, "request_id": int(request["id"]),
            "conversation_id": int(request["conversation_id"]), "status": status}  # fmt: skip
    return Put("pointer", item)


def pointer_status_op(provedor_id: int, request: Mapping[str, Any], status: str) -> Update:
    """The pointer follows its request's status while it still names that request."""
    pk, sk = pointer_key(provedor_id, int(request["contact_id"]))
    return Update("pointer", pk, sk).set("status", status).when(field("request_id").eq(int(request["id"])))


def cycle_op(provedor_id: int, conversation_id: int, version: int, request_id: int) -> Put:
    pk, sk = cycle_key(provedor_id, conversation_id, version)
    item = {"PK": pk, "SK": sk, "type": CYCLE, "provedor_id": provedor_id, "request_id": request_id}
    return Put("cycle", item).when_absent()


def transition_op(provedor_id: int, request: Mapping[str, Any], status: str, changes: Mapping[str, Any]) -> Update:
    """Move the request from the status it was read with to `status` (conditional on that status)."""
    index = REQUESTS.index_keys(provedor_id, {**request, "status": status})
    return (
        Update("request", *REQUESTS.key(provedor_id, int(request["id"])))
        .set("status", status)
        .set("GSI1PK", index["GSI1PK"])
        .set_all(changes)
        .when(field("status").eq(str(request["status"])))
    )


def request_update_op(provedor_id: int, request_id: int, changes: Mapping[str, Any]) -> Update:
    """Fields of a request that no status depends on (e.g. the thank-you's message id)."""
    return Update("request", *REQUESTS.key(provedor_id, request_id)).set_all(changes).when_exists()


def transition_counts(request: Mapping[str, Any], status: str) -> Counter[str]:
    moved = request_counts(request, str(request["status"]), -1)
    moved.update(request_counts(request, status, 1))
    return moved


def put_feedback_op(provedor_id: int, feedback: Feedback) -> Put:
    return FEEDBACKS.put_op(provedor_id, feedback)


def feedback_counts(feedback: Mapping[str, Any]) -> Counter[str]:
    agent, rating = _who(feedback.get("agent")), int(feedback["rating_value"])
    return Counter({"fb": 1, f"fb_r{rating}": 1, f"fb_a_{agent}": 1, f"fb_a_{agent}_r{rating}": 1})
