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
from typing import Any, cast

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


def requests_pk(provedor_id: int) -> str:
    return f"{keys.tenant(provedor_id)}#CSATREQ"


def request_key(provedor_id: int, request_id: int) -> tuple[str, str]:
    return requests_pk(provedor_id), sort_id(request_id)


def requests_by_status_pk(provedor_id: int, status: str) -> str:
    return f"{requests_pk(provedor_id)}#S#{status}"


def requests_by_agent_pk(provedor_id: int, agent: str) -> str:
    return f"{requests_pk(provedor_id)}#A#{agent}"


def feedbacks_pk(provedor_id: int) -> str:
    return f"{keys.tenant(provedor_id)}#CSATFB"


def feedback_key(provedor_id: int, feedback_id: int) -> tuple[str, str]:
    return feedbacks_pk(provedor_id), sort_id(feedback_id)


def feedbacks_by_rating_pk(provedor_id: int, rating: int) -> str:
    return f"{feedbacks_pk(provedor_id)}#R#{rating}"


def feedbacks_by_agent_pk(provedor_id: int, agent: str) -> str:
    return f"{feedbacks_pk(provedor_id)}#A#{agent}"


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
    return cast("CsatRequest | None", table().get(*request_key(provedor_id, request_id), consistent=consistent))


def get_feedback(provedor_id: int, feedback_id: int) -> Feedback | None:
    return cast("Feedback | None", table().get(*feedback_key(provedor_id, feedback_id)))


def pointer(provedor_id: int, contact_id: int) -> Item | None:
    return table().get(*pointer_key(provedor_id, contact_id), consistent=True)


def counters(provedor_id: int) -> dict[str, int]:
    item = table().get(*counters_key(provedor_id), consistent=True) or {}
    return {k: int(v) for k, v in item.items() if isinstance(v, int)}


# -- writes --------------------------------------------------------------------------------------------------
def request_index(provedor_id: int, request: Mapping[str, Any]) -> dict[str, str]:
    sort = sort_id(int(request["id"]))
    return {
        "GSI1PK": requests_by_status_pk(provedor_id, str(request["status"])),
        "GSI1SK": sort,
        "GSI2PK": requests_by_agent_pk(provedor_id, _who(request.get("agent"))),
        "GSI2SK": sort,
    }


def request_counts(request: Mapping[str, Any], status: str, amount: int) -> Counter[str]:
    return Counter({f"req_{status}": amount, f"req_a_{_who(request.get('agent'))}_{status}": amount})


def counters_op(provedor_id: int, amounts: Mapping[str, int]) -> Update:
    op = Update("counters", *counters_key(provedor_id)).set("type", COUNTERS)
    for name, amount in amounts.items():
        if amount:
            op.add(name, amount)
    return op


def put_request_op(provedor_id: int, request: CsatRequest) -> Put:
    pk, sk = request_key(provedor_id, int(request["id"]))
    item = {"PK": pk, "SK": sk, "type": REQUEST, **request, **request_index(provedor_id, request)}
    return Put("request", item).when_absent()


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
    index = request_index(provedor_id, {**request, "status": status})
    return (
        Update("request", *request_key(provedor_id, int(request["id"])))
        .set("status", status)
        .set("GSI1PK", index["GSI1PK"])
        .set_all(changes)
        .when(field("status").eq(str(request["status"])))
    )


def request_update_op(provedor_id: int, request_id: int, changes: Mapping[str, Any]) -> Update:
    """Fields of a request that no status depends on (e.g. the thank-you's message id)."""
    return Update("request", *request_key(provedor_id, request_id)).set_all(changes).when_exists()


def transition_counts(request: Mapping[str, Any], status: str) -> Counter[str]:
    moved = request_counts(request, str(request["status"]), -1)
    moved.update(request_counts(request, status, 1))
    return moved


def feedback_index(provedor_id: int, feedback: Mapping[str, Any]) -> dict[str, str]:
    sort = sort_id(int(feedback["id"]))
    return {
        "GSI1PK": feedbacks_by_rating_pk(provedor_id, int(feedback["rating_value"])),
        "GSI1SK": sort,
        "GSI2PK": feedbacks_by_agent_pk(provedor_id, _who(feedback.get("agent"))),
        "GSI2SK": sort,
    }


def put_feedback_op(provedor_id: int, feedback: Feedback) -> Put:
    pk, sk = feedback_key(provedor_id, int(feedback["id"]))
    item = {"PK": pk, "SK": sk, "type": FEEDBACK, **feedback, **feedback_index(provedor_id, feedback)}
    return Put("feedback", item).when_absent()


def feedback_counts(feedback: Mapping[str, Any]) -> Counter[str]:
    agent, rating = _who(feedback.get("agent")), int(feedback["rating_value"])
    return Counter({"fb": 1, f"fb_r{rating}": 1, f"fb_a_{agent}": 1, f"fb_a_{agent}_r{rating}": 1})
