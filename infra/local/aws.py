"""The embedded AWS: moto's server in this process, boto3 pointed at it, and the table and bucket on it.

Handlers reach moto over HTTP through `AWS_ENDPOINT_URL`, exactly as they reach AWS (no branch on "local").
The local stack itself reads and writes moto's in-process backends where the API can't or mustn't be used:
the snapshot's export of every item and object (a Scan is banned from this repository's non-test code), the
restore of a snapshot and a journal (straight into the store: no conditions, nothing journaled again), and
dropping stream records and shard iterators the pump is done with (moto keeps them all).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
from moto.core import DEFAULT_ACCOUNT_ID
from moto.server import ThreadedMotoServer

from infra import moto_patches
from infra.components.runtime import RUNTIME_ENV
from infra.moto_patches import atomic, items, s3, streams

log = logging.getLogger(__name__)

ACCOUNT_ID = DEFAULT_ACCOUNT_ID
REGION = "us-east-1"


class EmbeddedAws:
    """moto's server on 127.0.0.1, in a thread of this process."""

    def __init__(self, port: int = 0) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self.endpoint = ""

    def start(self) -> str:
        # Atomic requests, transactions and queries that cost what DynamoDB's do, stream reads that never
        # see half a transaction (infra/moto_patches/).
        moto_patches.install()
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
        # Provider requests may go to loopback (the e2e tests' fake providers, a developer's own provider);
        # private, link-local and metadata addresses stay refused (niochat.channels.egress). Never set on AWS.
        "PROVIDER_ALLOW_LOOPBACK": "1",
        **RUNTIME_ENV,
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
    # The console fetches message files with its token, then follows the API's redirect to a presigned GET on
    # this bucket from the page's origin: the browser needs CORS on that answer (the media bucket on AWS needs
    # the same rule for the console's origin).
    s3.put_bucket_cors(
        Bucket=name,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedMethods": ["GET", "HEAD"],
                    "AllowedOrigins": ["*"],
                    "AllowedHeaders": ["*"],
                    "MaxAgeSeconds": 3600,
                }
            ]
        },
    )


def stream_arn(table_name: str) -> str:
    return client("dynamodb").describe_table(TableName=table_name)["Table"]["LatestStreamArn"]


# -- moto's backends, in process: the snapshot and the journal read and restore data here -------------
# Reads take the requests' locks in chunks, so a large table never stalls the API for long; a chunk sees
# every item whole (writes apply under the same lock).
_CHUNK = 500


def _dynamodb() -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[ACCOUNT_ID][REGION]


def _s3() -> Any:
    from moto.s3.models import s3_backends

    return s3_backends[ACCOUNT_ID]["aws"]


def table_items(table_name: str) -> Iterator[dict[str, Any]]:
    """Every item of the table in DynamoDB's typed JSON (binary values as bytes), as it is now."""
    table = _dynamodb().get_table(table_name)
    with atomic.lock:
        if table.range_key_attr is None:
            keys = [(hash_key, None) for hash_key in table.items]
        else:
            keys = [(hash_key, range_key) for hash_key, part in table.items.items() for range_key in part]
    for start in range(0, len(keys), _CHUNK):
        with atomic.lock:
            chunk = [items.current(table, *key) for key in keys[start : start + _CHUNK]]
            rows = [item.to_json()["Attributes"] for item in chunk if item is not None]
        yield from rows


def put_item(table_name: str, item: dict[str, Any]) -> None:
    """Store `item` (typed JSON, binary values as bytes) as it is, with no condition and no journal."""
    with atomic.lock:
        _dynamodb().get_table(table_name).put_item(item)


def delete_item(table_name: str, key: dict[str, Any]) -> None:
    from moto.dynamodb.models.dynamo_type import DynamoType

    with atomic.lock:
        table = _dynamodb().get_table(table_name)
        range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
        table.delete_item(DynamoType(key[table.hash_key_attr]), range_key)


@dataclass(frozen=True)
class StoredObject:
    key: str
    etag: str
    body: bytes
    # moto's: content-type and x-amz-meta-* among them, as the PUT set them.
    metadata: dict[str, str]


def bucket_objects(bucket: str) -> Iterator[StoredObject]:
    backend = _s3()
    with s3.lock:
        keys = list(backend.get_bucket(bucket).keys)
    for key in keys:
        with s3.lock:
            stored = backend.get_object(bucket, key)
            if stored is None:
                continue
            found = StoredObject(key, stored.etag, stored.value, dict(stored.metadata))
        yield found


def put_object(bucket: str, key: str, body: bytes, metadata: dict[str, str]) -> None:
    with s3.lock:
        _s3().put_object(bucket, key, body).set_metadata(dict(metadata))


def delete_object(bucket: str, key: str) -> None:
    with s3.lock:
        _s3().delete_object(bucket, key)


def drop_stream_records(table_name: str) -> int:
    """Drop every record of the table's stream (a restore's: the pump starts after them)."""
    table = _dynamodb().get_table(table_name)
    with atomic.lock:
        shard = table.stream_shard
        last = shard.starting_sequence_number + len(shard.items) - 1 if shard is not None else 0
    return streams.trim(table, str(last))


def forget_shard_iterator(iterator: str) -> None:
    """Drop a consumed stream shard iterator from moto, which otherwise keeps them all (~2 kB each)."""
    from moto.dynamodbstreams.models import dynamodbstreams_backends

    dynamodbstreams_backends[ACCOUNT_ID][REGION].shard_iterators.pop(iterator, None)


def trim_stream(table_name: str, through_sequence: str) -> None:
    """Drop the table's stream records up to `through_sequence` (delivered) from moto's memory."""
    streams.trim(_dynamodb().get_table(table_name), through_sequence)
