"""infra/moto_patches on in-process moto: a refused transaction leaves the stream readable and without its
records; delivered records can be dropped (streams.trim) without disturbing readers."""

from __future__ import annotations

import boto3
import pytest
from moto.dynamodb.models import dynamodb_backends

from infra.moto_patches import streams
from niochat.settings import get_settings


@pytest.fixture
def stream(aws):
    name = get_settings().table_name
    client = boto3.client("dynamodbstreams")
    arn = boto3.client("dynamodb").describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = client.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    state = {"iterator": iterator}

    def read() -> list[str]:
        response = client.get_records(ShardIterator=state["iterator"])
        state["iterator"] = response["NextShardIterator"]
        return [r["dynamodb"]["Keys"]["SK"]["S"] for r in response["Records"]]

    return name, read


def put(name: str, sk: str, condition: str | None = None) -> dict:
    operation = {"TableName": name, "Item": {"PK": {"S": "P#1"}, "SK": {"S": sk}}}
    return {"Put": {**operation, "ConditionExpression": condition} if condition else operation}


def test_a_refused_transaction_leaves_the_stream_readable_and_without_its_writes(stream) -> None:
    name, read = stream
    dynamodb = boto3.client("dynamodb")
    dynamodb.transact_write_items(TransactItems=[put(name, "a")])
    assert read() == ["a"]
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        # the first write applies before the second's condition fails: moto then rolls the table back
        dynamodb.transact_write_items(TransactItems=[put(name, "b"), put(name, "a", "attribute_not_exists(PK)")])
    dynamodb.put_item(TableName=name, Item={"PK": {"S": "P#1"}, "SK": {"S": "c"}})
    assert read() == ["c"]  # the same iterator goes on; "b" never happened
    assert "Item" not in dynamodb.get_item(TableName=name, Key={"PK": {"S": "P#1"}, "SK": {"S": "b"}})


def test_delivered_records_can_be_dropped(stream) -> None:
    name, read = stream
    dynamodb = boto3.client("dynamodb")
    for sk in ("a", "b", "c"):
        dynamodb.put_item(TableName=name, Item={"PK": {"S": "P#1"}, "SK": {"S": sk}})
    table = dynamodb_backends["123456789012"]["us-east-1"].get_table(name)
    first = table.stream_shard.starting_sequence_number
    assert read() == ["a", "b", "c"]
    assert streams.trim(table, str(first + len(table.stream_shard.items) - 1)) >= 3
    dynamodb.put_item(TableName=name, Item={"PK": {"S": "P#1"}, "SK": {"S": "d"}})
    assert read() == ["d"]
    assert len(table.stream_shard.items) == 1
