"""infra/moto_patches answers as plain moto does: random operation sequences (tests/integration/
moto_sequences.py) run on plain moto and on patched moto, each in its own process, give the same answers,
errors, query pages, final items and stream records; a refused transaction leaves nothing behind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from infra import moto_patches
from niochat.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
SEEDS = (1, 2)
OPERATIONS = 400


def _run(seed: int, *flags: str) -> list[Any]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.integration.moto_sequences", str(seed), str(OPERATIONS), *flags],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("seed", SEEDS)
def test_patched_moto_answers_random_sequences_as_plain_moto(seed: int) -> None:
    plain, patched = _run(seed), _run(seed, "--patched")
    errors = {answer.get("error") for name, answer in plain if isinstance(answer, dict)}
    assert {"TransactionCanceledException", "ConditionalCheckFailedException"} <= errors
    assert any(name == "query" and "LastEvaluatedKey" in answer for name, answer in plain)
    assert len(patched) == len(plain)
    for step, (expected, actual) in enumerate(zip(plain, patched, strict=True)):
        assert actual == expected, f"step {step} ({expected[0]}) differs"


def _stream_records(name: str) -> list[dict[str, Any]]:
    streams = boto3.client("dynamodbstreams")
    arn = boto3.client("dynamodb").describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    return streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]


def test_a_refused_transaction_leaves_items_indexes_and_stream_as_they_were(aws: None) -> None:
    name = get_settings().table_name
    dynamodb = boto3.client("dynamodb")

    def item(sk: str, gsi_sk: str) -> dict[str, Any]:
        return {"PK": {"S": "P#1"}, "SK": {"S": sk}, "GSI1PK": {"S": "G#1"}, "GSI1SK": {"S": gsi_sk}, "n": {"N": "1"}}

    for sk, gsi_sk in (("a", "1"), ("b", "2"), ("c", "3")):
        dynamodb.put_item(TableName=name, Item=item(sk, gsi_sk))

    def state() -> tuple[Any, ...]:
        table = dynamodb.query(
            TableName=name, KeyConditionExpression="PK = :p", ExpressionAttributeValues={":p": {"S": "P#1"}}
        )["Items"]
        index = dynamodb.query(
            TableName=name,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :p",
            ExpressionAttributeValues={":p": {"S": "G#1"}},
            ScanIndexForward=False,
        )["Items"]
        return table, index, len(_stream_records(name))

    before = state()
    key = {"PK": {"S": "P#1"}, "SK": {"S": "b"}}
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException) as refused:
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": name, "Item": item("d", "0")}},  # a new item, first in the index
                {
                    "Update": {
                        "TableName": name,
                        "Key": {"PK": {"S": "P#1"}, "SK": {"S": "a"}},
                        "UpdateExpression": "SET GSI1SK = :s, n = n + :one",
                        "ExpressionAttributeValues": {":s": {"S": "9"}, ":one": {"N": "1"}},
                    }
                },
                {"Delete": {"TableName": name, "Key": {"PK": {"S": "P#1"}, "SK": {"S": "c"}}}},
                {
                    "ConditionCheck": {
                        "TableName": name,
                        "Key": key,
                        "ConditionExpression": "n = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                },
            ]
        )
    reasons = [r["Code"] for r in refused.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "None", "ConditionalCheckFailed"]
    assert state() == before


def test_install_refuses_another_moto_version(monkeypatch: pytest.MonkeyPatch) -> None:
    import moto

    monkeypatch.setattr(moto, "__version__", "5.3.0")
    with pytest.raises(moto_patches.UnsupportedMotoVersion, match=r"moto==5\.2\.5"):
        moto_patches.install()
