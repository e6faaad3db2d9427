"""infra/local/journal.py on in-process moto: what write requests acknowledge is journaled, and replaying
the journal into an empty table and bucket rebuilds the same items and objects; refused writes leave no
record; a torn last line ends a replay; compaction's rotation keeps later writes in the new generation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from infra.local import journal as journal_module
from infra.local.journal import Journal
from niochat.settings import get_settings
from niochat.store import schema

COPY_TABLE = "replayed"
COPY_BUCKET = "replayed-media"


@pytest.fixture
def journal(aws: None, tmp_path: Path) -> Iterator[Journal]:
    opened = Journal(tmp_path / "journal", max_bytes=10**9)
    opened.open()
    yield opened
    opened.close()


def _items(table: str) -> list[dict[str, Any]]:
    return sorted(boto3.client("dynamodb").scan(TableName=table)["Items"], key=lambda i: (i["PK"]["S"], i["SK"]["S"]))


def _objects(bucket: str) -> dict[str, tuple[bytes, str, dict[str, str]]]:
    s3 = boto3.client("s3")
    found = {}
    for entry in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        got = s3.get_object(Bucket=bucket, Key=entry["Key"])
        found[entry["Key"]] = (got["Body"].read(), got["ContentType"], got["Metadata"])
    return found


def _replay(journal: Journal, since: int = 0) -> int:
    schema.create_table(boto3.client("dynamodb"), COPY_TABLE)
    boto3.client("s3").create_bucket(Bucket=COPY_BUCKET)
    return journal.replay(since, lambda r, blobs: journal_module.restore(r, blobs, COPY_TABLE, COPY_BUCKET))


def _put(table: str, sk: str, **extra: Any) -> dict[str, Any]:
    return {"Put": {"TableName": table, "Item": {"PK": {"S": "P#1"}, "SK": {"S": sk}, **extra}}}


def test_replaying_the_journal_rebuilds_the_same_items_and_objects(journal: Journal) -> None:
    settings = get_settings()
    name, bucket = settings.table_name, settings.media_bucket
    dynamodb, s3 = boto3.client("dynamodb"), boto3.client("s3")
    dynamodb.put_item(TableName=name, Item={"PK": {"S": "P#1"}, "SK": {"S": "a"}, "bin": {"B": b"\x00\xff"}})
    dynamodb.transact_write_items(TransactItems=[_put(name, "b", n={"N": "1"}), _put(name, "c")])
    dynamodb.update_item(
        TableName=name,
        Key={"PK": {"S": "P#1"}, "SK": {"S": "b"}},
        UpdateExpression="SET n = n + :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    dynamodb.batch_write_item(
        RequestItems={
            name: [
                {"PutRequest": {"Item": {"PK": {"S": "P#2"}, "SK": {"S": "x"}, "m": {"M": {"b": {"B": b"\x01"}}}}}},
                {"DeleteRequest": {"Key": {"PK": {"S": "P#1"}, "SK": {"S": "c"}}}},
            ]
        }
    )
    dynamodb.delete_item(TableName=name, Key={"PK": {"S": "P#1"}, "SK": {"S": "a"}})
    s3.put_object(Bucket=bucket, Key="m/1.jpg", Body=b"jpeg", ContentType="image/jpeg", Metadata={"o": "1"})
    s3.put_object(Bucket=bucket, Key="m/2.ogg", Body=b"ogg", ContentType="audio/ogg")
    s3.delete_object(Bucket=bucket, Key="m/2.ogg")
    records = journal.records
    assert records == 8

    assert _replay(journal) == records
    assert _items(COPY_TABLE) == _items(name)
    assert _objects(COPY_BUCKET) == _objects(bucket) == {"m/1.jpg": (b"jpeg", "image/jpeg", {"o": "1"})}


def test_refused_writes_leave_no_record(journal: Journal) -> None:
    name = get_settings().table_name
    dynamodb = boto3.client("dynamodb")
    dynamodb.put_item(TableName=name, Item={"PK": {"S": "P#1"}, "SK": {"S": "a"}})
    with pytest.raises(dynamodb.exceptions.ConditionalCheckFailedException):
        dynamodb.put_item(
            TableName=name, Item={"PK": {"S": "P#1"}, "SK": {"S": "a"}}, ConditionExpression="attribute_not_exists(PK)"
        )
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        refused = _put(name, "a")
        refused["Put"]["ConditionExpression"] = "attribute_not_exists(PK)"
        dynamodb.transact_write_items(TransactItems=[_put(name, "b"), refused])
    assert journal.records == 1
    _replay(journal)
    assert [i["SK"]["S"] for i in _items(COPY_TABLE)] == ["a"]


def test_a_torn_last_line_ends_the_replay_of_its_file(journal: Journal) -> None:
    name = get_settings().table_name
    dynamodb = boto3.client("dynamodb")
    for sk in ("a", "b"):
        dynamodb.put_item(TableName=name, Item={"PK": {"S": "P#1"}, "SK": {"S": sk}})
    path = journal.folder / f"{journal.generation:08d}.jsonl"
    with path.open("ab") as file:  # a crash in the middle of appending a third line
        file.write(b'{"c":[{"table":"niochat","item":{"PK":{"S":"P#1"},"SK":{"S"')
    assert _replay(journal) == 2
    assert [i["SK"]["S"] for i in _items(COPY_TABLE)] == ["a", "b"]


def test_writes_after_a_rotation_are_in_the_new_generation(journal: Journal) -> None:
    name = get_settings().table_name
    dynamodb = boto3.client("dynamodb")
    dynamodb.put_item(TableName=name, Item={"PK": {"S": "P#1"}, "SK": {"S": "before"}})
    first = journal.generation
    second = journal.rotate()
    dynamodb.put_item(TableName=name, Item={"PK": {"S": "P#1"}, "SK": {"S": "after"}})
    journal.discard_before(second)
    assert journal.generations() == [second] and second == first + 1
    assert _replay(journal, since=second) == 1
    assert [i["SK"]["S"] for i in _items(COPY_TABLE)] == ["after"]
