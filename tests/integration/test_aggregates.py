"""Exact aggregates under re-delivery: random subsets of stream records delivered again (single records and
whole batches, in any order) through the stream function always leave the daily aggregates equal to what
`recount` rebuilds from the items."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from niochat.domain import cycles
from niochat.domain.reports import Fact
from niochat.reports import recount
from niochat.reports.listener import AggregatesListener
from niochat.store import aggregates
from niochat.store import conversations as conversation_store
from niochat.store import messages as message_store
from niochat.store.table import table
from niochat.store.writes import Put
from tests.integration.conftest import LambdaContext, load_function

# Around local midnight (-03:00): 02:59Z is still the day before, 03:00Z the day itself.
TIMES = ["2026-12-01T02:59:59.000000Z", "2026-12-01T03:00:00.000000Z", "2026-12-01T15:00:00.000000Z",
         "2026-12-02T02:00:00.000000Z", "2026-12-02T20:00:00.000000Z"]  # fmt: skip
AGENTS = [{"id": 7, "username": "ana", "first_name": "Ana"}, {"id": 8, "username": "bia", "first_name": "Bia"}]
KINDS = [("incoming", None), ("outgoing", None), ("activity", "close"), ("activity", "reopen"), ("activity", "assign")]
_provedores = itertools.count(100)
_serializer = TypeSerializer()


def lambda_record(
    n: int, item: dict[str, Any], name: str = "INSERT", old: dict[str, Any] | None = None
) -> dict[str, Any]:
    image = {k: _serializer.serialize(v) for k, v in item.items() if v is not None}
    dynamodb = {"Keys": {"PK": image["PK"], "SK": image["SK"]}, "NewImage": image,
                "SequenceNumber": f"{n:021d}", "StreamViewType": "NEW_AND_OLD_IMAGES"}  # fmt: skip
    if name == "MODIFY":
        dynamodb["OldImage"] = {k: _serializer.serialize(v) for k, v in (old or item).items() if v is not None}
    return {"eventID": f"e{n}", "eventName": name, "eventSource": "aws:dynamodb", "dynamodb": dynamodb}


def _step(state: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    """The conversation after `message`, as the write path leaves it (niochat.domain.cycles)."""
    if message["message_type"] != "activity":
        return cycles.of_message(message, state["status"] == "closed").applied(state)
    attributes = message["additional_attributes"]
    after = cycles.of_action(state, attributes["to_status"], message["created_at"]).applied(state)
    after.update(status=attributes["to_status"], assignee=attributes["assignee"])
    if after["status"] == "closed" and state["status"] != "closed":
        after["closed_at"] = message["created_at"]
    return after


def world(data: st.DataObject) -> tuple[int, list[dict[str, Any]]]:
    """A provedor's conversations and messages written to the table, and their stream records: each message's
    INSERT and the MODIFY of its conversation (old and new images), as the write path makes them."""
    pid = next(_provedores)
    items: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []
    message_id = 1000
    for conversation_id in range(1, data.draw(st.integers(1, 3), label="conversations") + 1):
        created = data.draw(st.sampled_from(TIMES))
        state: dict[str, Any] = {"id": conversation_id, "status": "snoozed", "created_at": created,
                                 "channel_type": "whatsapp", **cycles.initial(created)}  # fmt: skip
        key = conversation_store.conversations.put_op(pid, state).item
        extra = {k: key[k] for k in ("PK", "SK", "type", "provedor_id")}
        items.append(("INSERT", {**state, **extra}, None))
        times = sorted(t for t in TIMES if t >= created)
        for _ in range(data.draw(st.integers(0, 6), label="messages")):
            message_id += 1
            kind, action = data.draw(st.sampled_from(KINDS))
            at = data.draw(st.sampled_from(times))  # written in time order, as one conversation's messages are
            times = [t for t in times if t >= at]
            message: dict[str, Any] = {"id": message_id, "conversation": conversation_id, "message_type": kind,
                                       "created_at": at, "content": "x", "additional_attributes": {}}  # fmt: skip
            if kind == "outgoing":
                message["sender"] = data.draw(st.sampled_from([None, AGENTS[0], AGENTS[1]]), label="sender")
            if action:
                to = {"close": "closed", "reopen": "open", "assign": "open"}[action]
                if (action == "reopen") != (state["status"] == "closed"):
                    continue  # the state machine refuses it
                assignee = data.draw(st.sampled_from([None, AGENTS[0]]), label="assignee")
                message["additional_attributes"] = {"action": action, "from_status": state["status"],
                                                    "to_status": to, "assignee": assignee}  # fmt: skip
            items.append(("INSERT", message_store.item(pid, message), None))
            after = _step(state, message)
            items.append(("MODIFY", {**after, **extra}, {**state, **extra}))
            state = after
        table().write(Put("fixture", {k: v for k, v in {**state, **extra}.items() if v is not None}))
    for _name, item, _ in items:
        if item.get("type") == "message":
            table().write(Put("fixture", item))
    records = [lambda_record(n, item, name, old) for n, (name, item, old) in enumerate(items)]
    return pid, records


@pytest.fixture
def stream(aws, monkeypatch):
    function = load_function("stream")
    monkeypatch.setattr(function, "LISTENERS", (AggregatesListener(),))  # the realtime listener has its own tests
    return lambda records: function.lambda_handler({"Records": records}, LambdaContext())


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(data=st.data())
def test_aggregates_equal_recount_whatever_is_delivered_again(stream, data):
    pid, records = world(data)
    # Deliveries: batches (runs of consecutive records, as a shard delivers them) and single records,
    # repeated at random, in any order; every record is delivered at least once in the end.
    deliveries = data.draw(
        st.lists(
            st.one_of(
                st.tuples(st.integers(0, len(records) - 1), st.integers(1, len(records))).map(
                    lambda span: records[span[0] : span[0] + span[1]]
                ),
                st.sampled_from(records).map(lambda record: [record]),
            ),
            max_size=8,
        ),
        label="deliveries",
    )
    delivered = {r["eventID"] for batch in deliveries for r in batch}
    rest = [r for r in records if r["eventID"] not in delivered]
    order = data.draw(st.permutations([*deliveries, *([r] for r in rest)]), label="order")
    for batch in order:
        assert stream(batch) == {"batchItemFailures": []}
    assert recount.kept(pid) == recount.totals(pid)
    incoming = [r for r in records if r["dynamodb"]["NewImage"].get("message_type", {}).get("S") == "incoming"]
    assert sum(day.get("messages_received", 0) for day in recount.kept(pid).values()) == len(incoming)


def test_the_day_is_the_provedors_local_date(stream):
    pid = next(_provedores)
    late = {"id": 1, "status": "open", "created_at": "2026-12-01T02:59:59.000000Z"}
    item = conversation_store.conversations.put_op(pid, late).item
    table().write(Put("fixture", item))
    stream([lambda_record(1, item)])
    assert recount.kept(pid) == {"2026-11-30": {"conversations_created": 1, "conv_ch_unknown": 1}}


def test_recount_rebuilds_aggregates_that_went_wrong(stream):
    pid = next(_provedores)
    message = {"id": 5, "conversation": 1, "message_type": "incoming", "created_at": TIMES[2], "content": "x"}
    conversation = {"id": 1, "status": "open", "created_at": TIMES[2]}
    items = [
        conversation_store.conversations.put_op(pid, conversation).item,
        message_store.item(pid, message),
    ]
    for item in items:
        table().write(Put("fixture", item))
    stream([lambda_record(n, item) for n, item in enumerate(items)])
    day = "2026-12-01"
    expected = {"conversations_created": 1, "conv_ch_unknown": 1, "messages_received": 1, "last_message_at": TIMES[2]}
    assert recount.kept(pid) == {day: expected}
    aggregates.record(pid, Fact("bogus", "2026-11-01", {"messages_sent": 7}))  # a bug's wrong counts
    assert recount.kept(pid) != recount.totals(pid)
    assert recount.recount(pid) == {day: expected} and recount.kept(pid) == {day: expected}
