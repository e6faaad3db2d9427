"""Exact aggregates under re-delivery: random subsets of stream records delivered again (single records and
whole batches, in any order) through the stream function always leave the daily aggregates equal to what
`recount` rebuilds from the items."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from niochat.reports import recount
from niochat.reports.listener import AggregatesListener
from niochat.store import aggregates
from niochat.store import conversations as conversation_store
from niochat.store import messages as message_store
from niochat.store.table import table
from tests.integration.conftest import LambdaContext, load_function

# Around local midnight (-03:00): 02:59Z is still the day before, 03:00Z the day itself.
TIMES = ["2026-12-01T02:59:59.000000Z", "2026-12-01T03:00:00.000000Z", "2026-12-01T15:00:00.000000Z",
         "2026-12-02T02:00:00.000000Z", "2026-12-02T20:00:00.000000Z"]  # fmt: skip
KINDS = [("incoming", None), ("outgoing", None), ("activity", "close"), ("activity", "reopen"), ("activity", "assign")]
_provedores = itertools.count(100)
_serializer = TypeSerializer()


def lambda_record(n: int, item: dict[str, Any], name: str = "INSERT") -> dict[str, Any]:
    image = {k: _serializer.serialize(v) for k, v in item.items()}
    dynamodb = {"Keys": {"PK": image["PK"], "SK": image["SK"]}, "NewImage": image,
                "SequenceNumber": f"{n:021d}", "StreamViewType": "NEW_AND_OLD_IMAGES"}  # fmt: skip
    if name == "MODIFY":
        dynamodb["OldImage"] = image
    return {"eventID": f"e{n}", "eventName": name, "eventSource": "aws:dynamodb", "dynamodb": dynamodb}


def world(data: st.DataObject) -> tuple[int, list[dict[str, Any]]]:
    """A provedor's conversations and messages written to the table, and their stream records."""
    pid = next(_provedores)
    items: list[dict[str, Any]] = []
    message_id = 1000
    for conversation_id in range(1, data.draw(st.integers(1, 3), label="conversations") + 1):
        conversation = {"id": conversation_id, "status": "open", "created_at": data.draw(st.sampled_from(TIMES))}
        items.append(conversation_store.conversations.put_op(pid, conversation)["Put"]["Item"])
        for _ in range(data.draw(st.integers(0, 5), label="messages")):
            message_id += 1
            kind, action = data.draw(st.sampled_from(KINDS))
            message = {"id": message_id, "conversation": conversation_id, "message_type": kind,
                       "created_at": data.draw(st.sampled_from(TIMES)), "content": "x",
                       "additional_attributes": {"action": action} if action else {}}  # fmt: skip
            items.append(message_store.item(pid, message))
    for item in items:
        table().put(item)
    records = [lambda_record(n, item) for n, item in enumerate(items)]
    # A change that is no fact (an update of a conversation) travels with them.
    records.append(lambda_record(len(records), items[0], "MODIFY"))
    return pid, records


@pytest.fixture
def stream(aws, monkeypatch):
    function = load_function("stream")
    monkeypatch.setattr(function, "LISTENERS", (AggregatesListener(),))  # the realtime listener has its own tests
    return lambda records: function.lambda_handler({"Records": records}, LambdaContext())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
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
    item = conversation_store.conversations.put_op(pid, late)["Put"]["Item"]
    table().put(item)
    stream([lambda_record(1, item)])
    assert recount.kept(pid) == {"2026-11-30": {"conversations_created": 1}}


def test_recount_rebuilds_aggregates_that_went_wrong(stream):
    pid = next(_provedores)
    message = {"id": 5, "conversation": 1, "message_type": "incoming", "created_at": TIMES[2], "content": "x"}
    conversation = {"id": 1, "status": "open", "created_at": TIMES[2]}
    items = [
        conversation_store.conversations.put_op(pid, conversation)["Put"]["Item"],
        message_store.item(pid, message),
    ]
    for item in items:
        table().put(item)
    stream([lambda_record(n, item) for n, item in enumerate(items)])
    day = "2026-12-01"
    expected = {"conversations_created": 1, "messages_received": 1, "last_message_at": TIMES[2]}
    assert recount.kept(pid) == {day: expected}
    aggregates.record(pid, "bogus", "2026-11-01", {"messages_sent": 7})  # a bug's wrong counts
    assert recount.kept(pid) != recount.totals(pid)
    assert recount.recount(pid) == {day: expected} and recount.kept(pid) == {day: expected}
