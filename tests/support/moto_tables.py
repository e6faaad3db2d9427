"""A moto DynamoDB table as a fixture's writes left it, put back into a later test's fresh world: for fixtures
whose writes are the same every time (tests/integration/conftest.py's `tenant`). A copy of moto's table costs
~2 ms; the writes it stands for, tens of milliseconds a test."""

from __future__ import annotations

import copy
import os
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID


def _backend() -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_DEFAULT_REGION"]]


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
