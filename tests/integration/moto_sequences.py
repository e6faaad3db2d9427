"""Random DynamoDB operation sequences on in-process moto, with every answer recorded.

`python -m tests.integration.moto_sequences SEED COUNT [--patched]` runs the sequence of seed SEED on plain
moto (or with infra.moto_patches installed) and prints one JSON document: each operation's answer or error,
every query page (items in order, Count, ScannedCount, LastEvaluatedKey), and at the end every item of the
table and every stream record. tests/integration/test_moto_patches.py compares plain and patched runs.

Keys are drawn from small sets so that operations collide: conditions fail, transactions conflict, GSI sort
keys tie (moto then orders by the table's keys), items enter and leave indexes.
"""

from __future__ import annotations

import json
import os
import random
import sys
from typing import Any

TABLE = "sequences"
PARTITIONS = ("P0", "P1", "P2")
SORT_KEYS = tuple(f"S{n:02d}" for n in range(12))
GSI_PARTITIONS = ("G0", "G1")
GSI_SORT_KEYS = ("a", "ab", "abc", "b", "ba", "c", "c", "d")  # repeats: equal sort keys in a partition
RANGE_OPERATORS = ("=", "<", "<=", ">", ">=", "BETWEEN", "begins_with")


def _create(client: Any) -> None:
    client.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"} for name in ("PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK")
        ]
        + [{"AttributeName": "GSI2SK", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "GSI1",
                "KeySchema": [
                    {"AttributeName": "GSI1PK", "KeyType": "HASH"},
                    {"AttributeName": "GSI1SK", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": "GSI2",
                "KeySchema": [
                    {"AttributeName": "GSI2PK", "KeyType": "HASH"},
                    {"AttributeName": "GSI2SK", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            },
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )


class Sequence:
    def __init__(self, seed: int, client: Any) -> None:
        self.rng = random.Random(seed)
        self.client = client
        self.log: list[Any] = []

    # -- values -------------------------------------------------------------------------------------
    def key(self) -> dict[str, Any]:
        return {"PK": {"S": self.rng.choice(PARTITIONS)}, "SK": {"S": self.rng.choice(SORT_KEYS)}}

    def item(self) -> dict[str, Any]:
        item = {**self.key(), "v": {"N": str(self.rng.randint(0, 5))}, "note": {"S": "x" * self.rng.randint(0, 40)}}
        if self.rng.random() < 0.7:
            item["GSI1PK"] = {"S": self.rng.choice(GSI_PARTITIONS)}
            item["GSI1SK"] = {"S": self.rng.choice(GSI_SORT_KEYS)}
        if self.rng.random() < 0.5:
            item["GSI2PK"] = {"S": "N0"}
            item["GSI2SK"] = {"N": str(self.rng.randint(-3, 3))}
        return item

    def condition(self) -> dict[str, Any]:
        choice = self.rng.randint(0, 4)
        if choice == 0:
            return {"ConditionExpression": "attribute_not_exists(PK)"}
        if choice == 1:
            return {"ConditionExpression": "attribute_exists(PK)"}
        if choice == 2:
            return {
                "ConditionExpression": "v = :expected",
                "ExpressionAttributeValues": {":expected": {"N": str(self.rng.randint(0, 5))}},
            }
        return {}

    def update(self) -> dict[str, Any]:
        choice = self.rng.randint(0, 3)
        update: dict[str, Any]
        if choice == 0:
            update = {
                "UpdateExpression": "SET v = if_not_exists(v, :zero) + :one",
                "ExpressionAttributeValues": {":zero": {"N": "0"}, ":one": {"N": "1"}},
            }
        elif choice == 1:
            update = {
                "UpdateExpression": "SET GSI1PK = :p, GSI1SK = :s",
                "ExpressionAttributeValues": {
                    ":p": {"S": self.rng.choice(GSI_PARTITIONS)},
                    ":s": {"S": self.rng.choice(GSI_SORT_KEYS)},
                },
            }
        elif choice == 2:
            update = {"UpdateExpression": "REMOVE GSI1PK, GSI2PK"}
        else:
            update = {
                "UpdateExpression": "SET GSI2PK = :p, GSI2SK = :n",
                "ExpressionAttributeValues": {":p": {"S": "N0"}, ":n": {"N": str(self.rng.randint(-3, 3))}},
            }
        condition = self.condition()
        values = {**update.get("ExpressionAttributeValues", {}), **condition.get("ExpressionAttributeValues", {})}
        merged = {**update, **condition}
        if values:
            merged["ExpressionAttributeValues"] = values
        return merged

    # -- operations ---------------------------------------------------------------------------------
    def call(self, name: str, **kwargs: Any) -> dict[str, Any]:
        try:
            answer = getattr(self.client, name)(**kwargs)
        except self.client.exceptions.ClientError as error:
            body = error.response
            record = {"error": body["Error"]["Code"], "message": body["Error"].get("Message")}
            if "CancellationReasons" in body:
                record["reasons"] = body["CancellationReasons"]
            self.log.append([name, record])
            return record
        answer.pop("ResponseMetadata", None)
        answer.pop("ConsumedCapacity", None)
        self.log.append([name, answer])
        return answer

    def put(self) -> None:
        self.call("put_item", TableName=TABLE, Item=self.item(), ReturnValues="ALL_OLD", **self.condition())

    def update_item(self) -> None:
        self.call("update_item", TableName=TABLE, Key=self.key(), ReturnValues="ALL_NEW", **self.update())

    def delete(self) -> None:
        self.call("delete_item", TableName=TABLE, Key=self.key(), ReturnValues="ALL_OLD", **self.condition())

    def transaction(self) -> None:
        operations = []
        for _ in range(self.rng.randint(1, 5)):
            kind = self.rng.choice(("Put", "Update", "Delete", "ConditionCheck"))
            if kind == "Put":
                operation = {"Item": self.item(), **self.condition()}
            elif kind == "Update":
                operation = {"Key": self.key(), **self.update()}
            elif kind == "Delete":
                operation = {"Key": self.key(), **self.condition()}
            else:
                operation = {"Key": self.key(), **self.condition()}
                operation.setdefault("ConditionExpression", "attribute_exists(PK)")
            operations.append({kind: {"TableName": TABLE, **operation}})
        self.call("transact_write_items", TransactItems=operations)

    def batch(self) -> None:
        requests, seen = [], set()
        for _ in range(self.rng.randint(1, 6)):
            if self.rng.random() < 0.7:
                item = self.item()
                identity = (item["PK"]["S"], item["SK"]["S"])
                request = {"PutRequest": {"Item": item}}
            else:
                key = self.key()
                identity = (key["PK"]["S"], key["SK"]["S"])
                request = {"DeleteRequest": {"Key": key}}
            if identity not in seen:
                seen.add(identity)
                requests.append(request)
        self.call("batch_write_item", RequestItems={TABLE: requests})

    def key_condition(self, index: str | None) -> dict[str, Any]:
        if index == "GSI1":
            pk, sk, values = "GSI1PK", "GSI1SK", [{"S": v} for v in (*GSI_SORT_KEYS, "a\uffff", "bb")]
            partition = {"S": self.rng.choice((*GSI_PARTITIONS, "G9"))}
        elif index == "GSI2":
            pk, sk, values = "GSI2PK", "GSI2SK", [{"N": str(n)} for n in range(-4, 5)]
            partition = {"S": "N0"}
        else:
            pk, sk, values = "PK", "SK", [{"S": v} for v in (*SORT_KEYS, "S0", "S1", "T")]
            partition = {"S": self.rng.choice(PARTITIONS)}
        names = {"#pk": pk, "#sk": sk}
        attribute_values = {":pk": partition}
        expression = "#pk = :pk"
        operator = self.rng.choice((None, *RANGE_OPERATORS))
        if operator == "begins_with" and index == "GSI2":
            operator = ">="
        if operator is None:
            names.pop("#sk")
        elif operator == "BETWEEN":
            low, high = sorted(self.rng.sample(values, 2), key=lambda v: float(v["N"]) if "N" in v else v["S"])
            if self.rng.random() < 0.2:
                low, high = high, low  # an empty range
            attribute_values.update({":low": low, ":high": high})
            expression += " AND #sk BETWEEN :low AND :high"
        elif operator == "begins_with":
            attribute_values[":v"] = self.rng.choice(values)
            expression += " AND begins_with(#sk, :v)"
        else:
            attribute_values[":v"] = self.rng.choice(values)
            expression += f" AND #sk {operator} :v"
        return {
            "KeyConditionExpression": expression,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": attribute_values,
        }

    def query(self) -> None:
        index = self.rng.choice((None, "GSI1", "GSI1", "GSI2"))
        request: dict[str, Any] = {"TableName": TABLE, **self.key_condition(index)}
        if index:
            request["IndexName"] = index
        if self.rng.random() < 0.7:
            request["Limit"] = self.rng.randint(1, 6)
        request["ScanIndexForward"] = self.rng.random() < 0.5
        if self.rng.random() < 0.2:
            request["FilterExpression"] = "v > :min"
            request["ExpressionAttributeValues"][":min"] = {"N": "2"}
        if self.rng.random() < 0.2 and index != "GSI2":
            request["ProjectionExpression"] = "#pk, SK, v"
        for _ in range(40):  # every page, following LastEvaluatedKey
            page = self.call("query", **request)
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def run(self, count: int) -> None:
        operations = [self.put] * 4 + [self.update_item] * 3 + [self.delete] * 2 + [self.transaction] * 3
        operations += [self.batch, self.query, self.query, self.query]
        for _ in range(count):
            self.rng.choice(operations)()

    def final_state(self, streams: Any) -> None:
        scan = self.client.scan(TableName=TABLE)
        self.log.append(["items", scan["Items"]])
        arn = self.client.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
        records = streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=1000)["Records"]
        self.log.append(
            [
                "stream",
                [
                    [
                        r["eventName"],
                        r["dynamodb"]["SequenceNumber"],
                        r["dynamodb"].get("NewImage"),
                        r["dynamodb"].get("OldImage"),
                    ]
                    for r in records
                ],
            ]
        )


def main(argv: list[str]) -> int:
    seed, count = int(argv[0]), int(argv[1])
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled",
    )
    import boto3
    from moto import mock_aws

    if "--patched" in argv:
        from infra import moto_patches

        moto_patches.install()
    with mock_aws():
        client = boto3.client("dynamodb")
        _create(client)
        sequence = Sequence(seed, client)
        sequence.run(count)
        sequence.final_state(boto3.client("dynamodbstreams"))
    json.dump(sequence.log, sys.stdout, default=str, sort_keys=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
