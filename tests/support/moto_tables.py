"""moto's DynamoDB table copied instead of written again: each test's new world gets a copy of the empty table
the schema built once (`new_world`), and a fixture whose writes are the same every time (tests/integration/
conftest.py's `tenant`, conversation_world.build) gets a copy of the table they left (`built_once`). A copy
costs a millisecond or two; the requests it stands for, ~10 ms (creating the table) to ~150 ms (a
conversation world's provedor, people, team, inbox and contact) a test."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.s3.models import s3_backends

from niochat import clock
from niochat.store import clients, schema

T = TypeVar("T")
_REAL_NOW = clock.now


def _backend() -> Any:
    return dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_DEFAULT_REGION"]]


_empty: dict[str, Any] = {}


def new_world(table_name: str, bucket: str) -> None:
    """The empty table and bucket of a new moto world: the table built by the schema the first time in the
    process, a copy of it after; the bucket straight in moto's S3 backend."""
    if table_name in _empty:
        _backend().tables[table_name] = copy.deepcopy(_empty[table_name])
    else:
        schema.create_table(clients.dynamodb(), table_name)
        _empty[table_name] = _copy(table_name)
    s3_backends[DEFAULT_ACCOUNT_ID]["global"].create_bucket(bucket, os.environ["AWS_DEFAULT_REGION"])


def _copy(table_name: str) -> Any:
    """A copy of the table as it is now (its items, indexes and stream records)."""
    return copy.deepcopy(_backend().tables[table_name])


_built: dict[Hashable, tuple[Any, Any]] = {}


def built_once(key: Hashable, table_name: str, build: Callable[[], T]) -> T:
    """What `build()` returns, in a world whose table is still empty: built (through the services, as a test
    would) the first time in this process, then a copy of the table it left put back and a copy of what it
    returned. `key` names what `build` writes, the same every time. In a world something wrote to already, or
    with niochat's clock moved (the copy's times would be another clock's), it just builds."""
    if clock.now is not _REAL_NOW or any(_backend().tables[table_name].items.values()):
        return build()
    if key in _built:
        table, result = _built[key]
        _backend().tables[table_name] = copy.deepcopy(table)
        return copy.deepcopy(result)
    result = build()
    _built[key] = (_copy(table_name), copy.deepcopy(result))
    return result
