"""infra.moto_patches.expressions: an update expression's text is parsed once, and what is shared is never
changed by an update."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.exceptions import MockValidationException
from moto.dynamodb.parsing.expressions import UpdateExpressionParser

from infra import moto_patches

UPDATE = "SET #n = :n, hits = if_not_exists(hits, :zero) + :one REMOVE gone ADD tags :tags"


def test_a_text_is_parsed_once_and_a_bad_one_raises_every_time() -> None:
    moto_patches.install()
    assert UpdateExpressionParser.make(UPDATE) is UpdateExpressionParser.make(UPDATE)
    for _ in range(2):
        with pytest.raises(MockValidationException):
            UpdateExpressionParser.make("SET = nada")


def test_updates_sharing_one_parse_each_get_their_own_values() -> None:
    moto_patches.install()
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(TableName="t", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                            BillingMode="PAY_PER_REQUEST")  # fmt: skip
        for pk, name in (("a", "Ana"), ("b", "Beto"), ("a", "Ana Maria")):
            client.update_item(TableName="t", Key={"pk": {"S": pk}}, UpdateExpression=UPDATE,
                               ExpressionAttributeNames={"#n": "name"},
                               ExpressionAttributeValues={":n": {"S": name}, ":zero": {"N": "0"}, ":one": {"N": "1"},
                                                          ":tags": {"SS": [name]}})  # fmt: skip
        a = client.get_item(TableName="t", Key={"pk": {"S": "a"}})["Item"]
        b = client.get_item(TableName="t", Key={"pk": {"S": "b"}})["Item"]
    assert (
        a["name"] == {"S": "Ana Maria"} and a["hits"] == {"N": "2"} and sorted(a["tags"]["SS"]) == ["Ana", "Ana Maria"]
    )
    assert b["name"] == {"S": "Beto"} and b["hits"] == {"N": "1"} and b["tags"] == {"SS": ["Beto"]}
