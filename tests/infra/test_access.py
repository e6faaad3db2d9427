"""Each function's table and media bucket permissions are exactly its row of infra/components/access.py: the
public system function reads only the health item and no file, read-only functions write nothing but their
caller's session, nobody scans."""

from __future__ import annotations

from typing import Any

import pytest

from infra import routes
from infra.components import access
from infra.components.access import ACCESS
from tests.infra.conftest import Synth, refs

pytestmark = pytest.mark.infra

READ = set(access.READ_ACTIONS)
WRITE = set(access.WRITE_ACTIONS)
READ_ONLY = [name for name, row in ACCESS.items() if row.table == "read"]


def _statements(synth: Synth, name: str) -> list[dict[str, Any]]:
    role = refs(synth.resources[synth.function_id(name)]["Properties"]["Role"])
    found: list[dict[str, Any]] = []
    for policy in synth.of_type("AWS::IAM::Policy").values():
        if refs(policy["Properties"]["Roles"]) & role:
            found += policy["Properties"]["PolicyDocument"]["Statement"]
    return found


def _actions(statement: dict[str, Any]) -> set[str]:
    action = statement["Action"]
    return {action} if isinstance(action, str) else set(action)


def _resources(statement: dict[str, Any]) -> list[Any]:
    resource = statement["Resource"]
    return resource if isinstance(resource, list) else [resource]


def _on(synth: Synth, name: str, service: str) -> list[dict[str, Any]]:
    """The statements of `name`'s role with actions of `service` (e.g. "dynamodb"), stream reads left out."""
    stream = {"dynamodb:ListStreams", "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}
    return [
        s
        for s in _statements(synth, name)
        if any(a.startswith(f"{service}:") for a in _actions(s)) and not _actions(s) <= stream
    ]


def test_every_function_has_a_row_and_every_row_a_function() -> None:
    assert set(ACCESS) == set(routes.functions())
    with pytest.raises(KeyError, match="no row for the function 'nope'"):
        access.of("nope")


@pytest.mark.parametrize("name", routes.functions())
def test_no_function_scans_or_reads_the_whole_table_another_way(synth: Synth, name: str) -> None:
    actions = set().union(*(_actions(s) for s in _statements(synth, name)))
    assert not {"dynamodb:Scan", "dynamodb:PartiQLSelect", "dynamodb:ExportTableToPointInTime"} & actions
    assert not any(a.endswith("*") for a in actions if a.startswith(("dynamodb:", "s3:")))


@pytest.mark.parametrize("name", [n for n, row in ACCESS.items() if row.table == "write"])
def test_writers_write_and_read_the_table_and_its_indexes(synth: Synth, name: str) -> None:
    (statement,) = _on(synth, name, "dynamodb")
    expected = READ | WRITE | ({access.BATCH_WRITE_ACTION} if ACCESS[name].batch_write else set())
    assert _actions(statement) == expected
    assert "Condition" not in statement
    table = synth.logical_id(synth.stack.storage.table)
    assert [refs(r) for r in _resources(statement)] == [{table}, {table}]
    assert _resources(statement)[1]["Fn::Join"][1][-1] == "/index/*"


def test_only_the_timers_batch_write(synth: Synth) -> None:
    batch = [
        n
        for n in routes.functions()
        if any(access.BATCH_WRITE_ACTION in _actions(s) for s in _on(synth, n, "dynamodb"))
    ]
    assert batch == [routes.TIMERS_FUNCTION]


@pytest.mark.parametrize("name", READ_ONLY)
def test_read_only_functions_write_only_their_callers_session(synth: Synth, name: str) -> None:
    reads, sessions = _on(synth, name, "dynamodb")
    assert _actions(reads) == READ and "Condition" not in reads
    # No PutItem anywhere, and UpdateItem/DeleteItem only on token items (authentication's upkeep of a session).
    assert _actions(sessions) == {"dynamodb:UpdateItem", "dynamodb:DeleteItem"}
    assert sessions["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["TOKEN#*"]}}
    table = synth.logical_id(synth.stack.storage.table)
    assert _resources(sessions) == [{"Fn::GetAtt": [table, "Arn"]}]  # the base table: no index is written


def test_the_audit_and_events_functions_are_the_read_only_ones() -> None:
    # media writes once: /api/uazapi/file/ fetches a pending file on demand
    assert sorted(READ_ONLY) == ["audit", "events"]


def test_the_public_system_function_reads_the_health_item_and_nothing_else(synth: Synth) -> None:
    (statement,) = _on(synth, "system", "dynamodb")
    assert _actions(statement) == {"dynamodb:GetItem"}
    assert statement["Condition"] == {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["HEALTH"]}}
    (bucket,) = _on(synth, "system", "s3")
    # HeadBucket on the bucket itself; no object (no tenant's file) can be read, listed names aside.
    assert _actions(bucket) == {"s3:ListBucket"}
    assert _resources(bucket) == [{"Fn::GetAtt": [synth.logical_id(synth.stack.storage.media_bucket), "Arn"]}]
    actions = set().union(*(_actions(s) for s in _statements(synth, "system")))
    assert "s3:GetObject" not in actions and "dynamodb:Query" not in actions


def test_the_docs_function_has_no_table_or_bucket_access(synth: Synth) -> None:
    assert _on(synth, "docs", "dynamodb") == [] and _on(synth, "docs", "s3") == []


@pytest.mark.parametrize("name", routes.functions())
def test_media_actions_are_the_rows_on_the_bucket_objects(synth: Synth, name: str) -> None:
    on_objects = {a for a in ACCESS[name].media if a not in access.BUCKET_ACTIONS}
    statements = [s for s in _on(synth, name, "s3") if _actions(s) != {"s3:ListBucket"}]
    if not on_objects:
        assert statements == []
        return
    (statement,) = statements
    assert _actions(statement) == on_objects
    (resource,) = _resources(statement)
    assert refs(resource) == {synth.logical_id(synth.stack.storage.media_bucket)}
    assert resource["Fn::Join"][1][-1] == "/*"


def test_who_may_read_write_and_delete_files() -> None:
    def having(action: str) -> set[str]:
        return {name for name, row in ACCESS.items() if action in row.media}

    assert having("s3:GetObject") == {"media", "messages", "chat", routes.TIMERS_FUNCTION}
    assert having("s3:PutObject") == {"media", "messages", "chat", routes.WEBHOOK_FUNCTION, routes.TIMERS_FUNCTION}
    assert having("s3:DeleteObject") == {"chat", routes.TIMERS_FUNCTION}


@pytest.mark.parametrize("name", routes.functions())
def test_only_the_functions_with_a_mapping_read_the_stream(synth: Synth, name: str) -> None:
    actions = set().union(*(_actions(s) for s in _statements(synth, name)))
    reads_stream = {"dynamodb:GetRecords", "dynamodb:GetShardIterator"} <= actions
    assert reads_stream == (name in (routes.STREAM_FUNCTION, routes.ASSISTANT_FUNCTION))
