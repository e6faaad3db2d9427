"""Data survives a restart of the local stack: SIGTERM saves, the next start loads, the seed runs once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.conftest import BUCKET, TABLE_NAME, LocalStackProcess, login

pytestmark = pytest.mark.e2e


def provedores(stack: LocalStackProcess) -> list[dict]:
    return stack.aws("dynamodb").query(
        TableName=TABLE_NAME,
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "PROVEDORES"}},
    )["Items"]


def test_sigterm_saves_and_the_next_start_has_the_same_data(tmp_path: Path) -> None:
    stack = LocalStackProcess(tmp_path / "data").start()
    try:
        with stack.http() as client:
            token = login(client, "demo-admin", "niochat-demo")
            auth = {"Authorization": f"Token {token}"}
            changed = client.post("/api/auth/session-timeout/", json={"timeout": 42}, headers=auth)
            assert changed.status_code == 200, changed.text
        # Kinds of value the API doesn't write yet: a binary attribute and a bucket object.
        binary = bytes(range(256))
        stack.aws("dynamodb").put_item(
            TableName=TABLE_NAME,
            Item={
                "PK": {"S": "E2E"},
                "SK": {"S": "BIN"},
                "blob": {"B": binary},
                "nested": {"M": {"b": {"B": b"\x00\xff"}, "l": {"L": [{"N": "1"}]}}},
            },
        )
        stack.aws("s3").put_object(
            Bucket=BUCKET,
            Key="media/1/photo.jpg",
            Body=b"\xff\xd8jpeg-bytes",
            ContentType="image/jpeg",
            Metadata={"owner": "e2e"},
        )
        assert len(provedores(stack)) == 1

        started = time.monotonic()
        assert stack.stop() == 0, "\n".join(stack.output[-40:])
        assert time.monotonic() - started < 10
        assert any("Saved" in line for line in stack.output), stack.output[-20:]

        stack.start()
        with stack.http() as client:
            me = client.get("/api/auth/me/", headers=auth)  # the token written before the restart
            assert me.status_code == 200, me.text
            assert me.json()["session_timeout"] == 42
            login(client, "demo-admin", "niochat-demo")
            login(client, "admin", "niochat-admin")
        assert len(provedores(stack)) == 1, "the seed ran again"
        assert any("seeded on first start" in line for line in stack.output)

        item = stack.aws("dynamodb").get_item(TableName=TABLE_NAME, Key={"PK": {"S": "E2E"}, "SK": {"S": "BIN"}})
        assert item["Item"]["blob"]["B"] == binary
        assert item["Item"]["nested"]["M"]["b"]["B"] == b"\x00\xff"
        photo = stack.aws("s3").get_object(Bucket=BUCKET, Key="media/1/photo.jpg")
        assert photo["Body"].read() == b"\xff\xd8jpeg-bytes"
        assert photo["ContentType"] == "image/jpeg"
        assert photo["Metadata"] == {"owner": "e2e"}
    finally:
        stack.stop()
