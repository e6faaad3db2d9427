"""The table and the media bucket, as the store and the health check expect them."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match

from niochat.store import schema
from tests.infra.conftest import Synth

pytestmark = pytest.mark.infra


def _table(synth: Synth) -> dict:
    tables = synth.of_type("AWS::DynamoDB::Table")
    assert len(tables) == 1
    return next(iter(tables.values()))


def test_table_keys_billing_and_retention(synth: Synth) -> None:
    table = _table(synth)
    props = table["Properties"]
    assert props["KeySchema"] == [
        {"AttributeName": "PK", "KeyType": "HASH"},
        {"AttributeName": "SK", "KeyType": "RANGE"},
    ]
    attributes = {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]}
    expected = {"PK", "SK"} | {key for pair in schema.GSIS.values() for key in pair}
    assert attributes == dict.fromkeys(expected, "S")
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"


@pytest.mark.parametrize("index", sorted(schema.GSIS))
def test_table_has_each_gsi_of_the_schema(synth: Synth, index: str) -> None:
    partition_key, sort_key = schema.GSIS[index]
    indexes = {i["IndexName"]: i for i in _table(synth)["Properties"]["GlobalSecondaryIndexes"]}
    assert indexes[index]["KeySchema"] == [
        {"AttributeName": partition_key, "KeyType": "HASH"},
        {"AttributeName": sort_key, "KeyType": "RANGE"},
    ]
    assert indexes[index]["Projection"] == {"ProjectionType": "ALL"}


def test_table_has_no_index_the_schema_does_not_name(synth: Synth) -> None:
    names = {i["IndexName"] for i in _table(synth)["Properties"]["GlobalSecondaryIndexes"]}
    assert names == set(schema.GSIS)


def test_table_stream_and_no_ttl(synth: Synth) -> None:
    """Expired items are deleted by the timers' sweep (niochat.store.due), never by TTL."""
    props = _table(synth)["Properties"]
    assert "TimeToLiveSpecification" not in props
    assert props["StreamSpecification"] == {"StreamViewType": schema.STREAM_VIEW}
    assert "DUE" in {i["IndexName"] for i in props["GlobalSecondaryIndexes"]}


def test_media_bucket_is_private_encrypted_and_retained(synth: Synth) -> None:
    synth.template.has_resource(
        "AWS::S3::Bucket",
        {
            "Properties": Match.object_like(
                {
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [
                            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                        ]
                    },
                }
            ),
            "DeletionPolicy": "Retain",
        },
    )


def test_media_bucket_refuses_plain_http(synth: Synth) -> None:
    bucket = synth.logical_id(synth.stack.storage.media_bucket)
    synth.template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "Bucket": {"Ref": bucket},
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Action": "s3:*",
                                "Principal": {"AWS": "*"},
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            },
        },
    )
