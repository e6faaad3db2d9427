"""The table's shape: keys, indexes and stream. The CDK stack builds the table from this, and the local stack
and tests create it from this with create_table. No TTL: the timers' sweep deletes expired items
(niochat.store.due)."""

from __future__ import annotations

from typing import Any

from niochat.store.table import INDEX_KEYS

STREAM_VIEW = "NEW_AND_OLD_IMAGES"
# Global secondary indexes, all projecting every attribute: name → (partition key, sort key).
GSIS: dict[str, tuple[str, str]] = {name: keys for name, keys in INDEX_KEYS.items() if name}


def create_table(client: Any, name: str) -> None:
    """Create the table (on moto or a real account) and wait until it is active."""
    attributes = {"PK", "SK"} | {key for pair in GSIS.values() for key in pair}
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in sorted(attributes)],
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": index,
                "KeySchema": [
                    {"AttributeName": pk, "KeyType": "HASH"},
                    {"AttributeName": sk, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index, (pk, sk) in GSIS.items()
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": STREAM_VIEW},
    )
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
