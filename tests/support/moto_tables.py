"""moto's DynamoDB table copied instead of written again: each test's new world gets a copy of the empty table
the schema built once (`new_world`), and a fixture whose writes are the same every time (tests/integration/
conftest.py's `tenant`) gets a copy of the table they left (`saved`, `put_back`). A copy costs a millisecond
or two; the requests it stands for, ~10 ms (creating the table) to ~70 ms (the tenant's writes) a test."""

from __future__ import annotations

import copy
import os
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID


def _backend() -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_DEFAULT_REGION"]]


_empty: dict[str, Any] = {}


def new_world(table_name: str, bucket: str) -> None:
    """The empty table and bucket of a new moto world: the table built by the schema the first time in the
    process, a copy of it after; the bucket straight in moto's S3 backend."""
    from moto.s3.models import s3_backends

    from niochat.store import clients, schema

    if table_name in _empty:
        _backend().tables[table_name] = copy.deepcopy(_empty[table_name])
    else:
        schema.create_table(clients.dynamodb(), table_name)
        _empty[table_name] = saved(table_name)
    s3_backends[DEFAULT_ACCOUNT_ID]["global"].create_bucket(bucket, os.environ["AWS_DEFAULT_REGION"])


def saved(table_name: str) -> Any:
    """A copy of the table as it is now (its items, indexes and stream records)."""
    return copy.deepcopy(_backend().tables[table_name])


def put_back(table: Any) -> bool:
    """Replace this world's table by a copy of `table`, if this world's is still empty; False (and nothing
    changed) when something was written to it already."""
    tables = _backend().tables
    if any(tables[table.name].items.values()):
        return False
    tables[table.name] = copy.deepcopy(table)
    return True
