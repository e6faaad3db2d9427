"""boto3 clients, created lazily on first use and reused across invocations.

Endpoints come from boto3's own configuration (AWS_ENDPOINT_URL locally, nothing on AWS), so the same
code runs on the local stack and on AWS.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def dynamodb() -> Any:
    import boto3

    return boto3.client("dynamodb")


@cache
def s3() -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("s3", config=Config(signature_version="s3v4"))


@cache
def ssm() -> Any:
    import boto3

    return boto3.client("ssm")


@cache
def management_api(endpoint_url: str) -> Any:
    import boto3

    return boto3.client("apigatewaymanagementapi", endpoint_url=endpoint_url)


def reset() -> None:
    """Drop every cached client, so the next call builds one against the current endpoint."""
    dynamodb.cache_clear()
    s3.cache_clear()
    ssm.cache_clear()
    management_api.cache_clear()
