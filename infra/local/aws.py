"""The embedded AWS: moto's server in this process, boto3 pointed at it, and the table and bucket on it.

Handlers reach moto over HTTP through `AWS_ENDPOINT_URL`, exactly as they reach AWS (no branch on "local").
The local stack itself also reads moto's in-process backends where the API can't or mustn't be used:
exporting every table item (a Scan is banned from this repository's non-test code) and dropping the stream
shard iterators the pump has consumed (moto keeps every iterator it ever issued).
"""

from __future__ import annotations

import logging
import os
from typing import Any

import boto3
from moto.core import DEFAULT_ACCOUNT_ID
from moto.server import ThreadedMotoServer

from infra import moto_atomic
from infra.local import moto_streams

log = logging.getLogger(__name__)

ACCOUNT_ID = DEFAULT_ACCOUNT_ID
REGION = "us-east-1"


class EmbeddedAws:
    """moto's server on 127.0.0.1, in a thread of this process."""

    def __init__(self, port: int = 0) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self.endpoint = ""

    def start(self) -> str:
        # moto's server is threaded: make conditional writes and transactions atomic, as DynamoDB's are.
        moto_atomic.install()
        # Streams: no half transactions seen, no reader stranded by a rollback, delivered records dropped.
        moto_streams.install()
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        return self.endpoint

    def stop(self) -> None:
        self._server.stop()


def configure_environment(moto_endpoint: str, http_port: int) -> None:
    """Point every boto3 client of this process at moto, and give the handlers their settings.

    Must run before any handler module creates a client or reads its settings."""
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL_")] + ["AWS_PROFILE"]:
        os.environ.pop(name, None)  # a service-specific endpoint or a profile would bypass moto
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": moto_endpoint,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_SESSION_TOKEN": "local",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
            "MOTO_ACCOUNT_ID": ACCOUNT_ID,
            # The ws function's apigatewaymanagementapi client posts to our own @connections API.
            "WEBSOCKET_API_ENDPOINT": f"http://127.0.0.1:{http_port}",
        }
    )
    defaults = {
        "TABLE_NAME": "niochat",
        "MEDIA_BUCKET": "niochat-media",
        "WEBHOOK_BASE_URL": f"http://localhost:{http_port}",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "NioChatLocal",
        "POWERTOOLS_SERVICE_NAME": "niochat-local",
        "POWERTOOLS_LOG_LEVEL": "INFO",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)


def client(service: str) -> Any:
    """A boto3 client of the embedded AWS (after configure_environment)."""
    return boto3.client(service)


def ensure_table(name: str) -> bool:
    """Create the table from the project's schema unless it exists; True when it was created."""
    from niochat.store import schema

    dynamodb = client("dynamodb")
    if name in dynamodb.list_tables()["TableNames"]:
        return False
    schema.create_table(dynamodb, name)
    return True


def ensure_bucket(name: str) -> None:
    s3 = client("s3")
    if name not in {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}:
        s3.create_bucket(Bucket=name)


def stream_arn(table_name: str) -> str:
    return client("dynamodb").describe_table(TableName=table_name)["Table"]["LatestStreamArn"]


def table_items(table_name: str) -> list[dict[str, Any]]:
    """Every item of the table in DynamoDB's typed JSON (as GetItem returns it), read from moto's backend."""
    from moto.dynamodb.models import dynamodb_backends

    table = dynamodb_backends[ACCOUNT_ID][REGION].get_table(table_name)
    for _ in range(5):
        try:
            return [item.to_json()["Attributes"] for item in table.all_items()]
        except RuntimeError:  # a write changed the table while it was read: read again
            continue
    return [item.to_json()["Attributes"] for item in table.all_items()]


def forget_shard_iterator(iterator: str) -> None:
    """Drop a consumed stream shard iterator from moto, which otherwise keeps them all (~2 kB each)."""
    from moto.dynamodbstreams.models import dynamodbstreams_backends

    dynamodbstreams_backends[ACCOUNT_ID][REGION].shard_iterators.pop(iterator, None)


def trim_stream(table_name: str, through_sequence: str) -> int:
    """Drop the table's stream records up to `through_sequence` (delivered) from moto's memory."""
    from moto.dynamodb.models import dynamodb_backends

    return moto_streams.trim(dynamodb_backends[ACCOUNT_ID][REGION].get_table(table_name), through_sequence)
