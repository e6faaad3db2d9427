"""One function per folder of the route table, on both layers, with the environment niochat.settings reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra import routes
from infra.components.functions import MEDIA_ACCESS
from tests.infra.conftest import Synth, refs

pytestmark = pytest.mark.infra


def _function(synth: Synth, name: str) -> dict:
    return synth.resources[synth.function_id(name)]["Properties"]


def _policy_statements(synth: Synth, name: str) -> list[dict]:
    role = refs(_function(synth, name)["Role"])
    statements: list[dict] = []
    for policy in synth.of_type("AWS::IAM::Policy").values():
        if refs(policy["Properties"]["Roles"]) & role:
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def _actions(synth: Synth, name: str) -> set[str]:
    actions: set[str] = set()
    for statement in _policy_statements(synth, name):
        action = statement["Action"]
        actions |= {action} if isinstance(action, str) else set(action)
    return actions


def test_one_function_per_route_table_function(synth: Synth) -> None:
    assert set(synth.stack.functions) == set(routes.functions())
    assert len(synth.of_type("AWS::Lambda::Function")) == len(routes.functions())


@pytest.mark.parametrize("name", routes.functions())
def test_function_runtime_and_layers(synth: Synth, name: str) -> None:
    props = _function(synth, name)
    assert props["Handler"] == "app.lambda_handler"
    assert props["Runtime"] == "python3.12"
    assert props["Architectures"] == ["arm64"]
    assert props["MemorySize"] == 512
    assert props["Timeout"] == (60 if name in (routes.WEBSOCKET_FUNCTION, routes.WEBHOOK_FUNCTION) else 29)
    assert props["TracingConfig"] == {"Mode": "Active"}
    layers = synth.of_type("AWS::Lambda::LayerVersion")
    assert len(layers) == 2
    assert refs(props["Layers"]) == set(layers)
    for layer in layers.values():
        assert layer["Properties"]["CompatibleRuntimes"] == ["python3.12"]
        assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]


@pytest.mark.parametrize("name", routes.functions())
def test_function_logs_are_kept_one_month(synth: Synth, name: str) -> None:
    log_group = refs(_function(synth, name)["LoggingConfig"]["LogGroup"])
    assert len(log_group) == 1
    assert synth.resources[log_group.pop()]["Properties"]["RetentionInDays"] == 30


@pytest.mark.parametrize("name", routes.functions())
def test_function_environment(synth: Synth, name: str) -> None:
    env = _function(synth, name)["Environment"]["Variables"]
    stack = synth.stack
    assert env["TABLE_NAME"] == {"Ref": synth.logical_id(stack.storage.table)}
    assert env["MEDIA_BUCKET"] == {"Ref": synth.logical_id(stack.storage.media_bucket)}
    endpoint = env["WEBSOCKET_API_ENDPOINT"]["Fn::Join"][1]
    assert endpoint[0] == "https://"
    assert endpoint[-1].endswith("/prod")
    assert refs(endpoint) >= {synth.logical_id(stack.websocket.api)}
    assert env["POWERTOOLS_SERVICE_NAME"] == f"niochat-{name}"
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "NioChat"
    assert env["POWERTOOLS_LOG_LEVEL"] == "INFO"
    assert env["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false"
    if name == routes.WEBHOOK_FUNCTION:
        # Its own Function URL in its environment would be a dependency cycle.
        assert "WEBHOOK_BASE_URL" not in env
    else:
        assert env["WEBHOOK_BASE_URL"] == {"Fn::GetAtt": [synth.logical_id(stack.webhook_url), "FunctionUrl"]}


@pytest.mark.parametrize("name", routes.functions())
def test_function_reads_and_writes_the_table_but_never_scans(synth: Synth, name: str) -> None:
    actions = _actions(synth, name)
    assert {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"} <= actions
    assert "dynamodb:Scan" not in actions


@pytest.mark.parametrize("name", routes.functions())
def test_only_functions_that_need_media_get_the_bucket(synth: Synth, name: str) -> None:
    s3_actions = {a for a in _actions(synth, name) if a.startswith("s3:")}
    access = MEDIA_ACCESS.get(name)
    if access is None:
        assert s3_actions == set()
    else:
        assert "s3:List*" in s3_actions  # head_bucket (health) and listing need s3:ListBucket
        assert ("s3:PutObject" in s3_actions) == (access == "read_write")


@pytest.mark.parametrize("name", routes.functions())
def test_only_the_ws_function_manages_websocket_connections(synth: Synth, name: str) -> None:
    manage = [s for s in _policy_statements(synth, name) if s["Action"] == "execute-api:ManageConnections"]
    if name != routes.WEBSOCKET_FUNCTION:
        assert manage == []
        return
    assert len(manage) == 1
    resource = manage[0]["Resource"]["Fn::Join"][1]
    assert refs(resource) >= {synth.logical_id(synth.stack.websocket.api)}
    assert resource[-1] == "/prod/*/@connections/*"


def _asset_dir(synth: Synth, name: str) -> Path:
    key = _function(synth, name)["Code"]["S3Key"]
    return synth.outdir / f"asset.{key.removesuffix('.zip')}"


def test_system_asset_carries_the_changelog_itself_not_a_symlink(synth: Synth) -> None:
    changelog = _asset_dir(synth, "system") / "CHANGELOG.md"
    assert changelog.is_file()
    assert not changelog.is_symlink()
    assert changelog.read_text() == (Path(__file__).parents[2] / "CHANGELOG.md").read_text()


def test_assets_ship_no_bytecode(synth: Synth) -> None:
    for name in routes.functions():
        assert (_asset_dir(synth, name) / "app.py").is_file()
    for asset in synth.outdir.glob("asset.*"):
        assert not any(asset.rglob("__pycache__")), asset
        assert not any(asset.rglob("*.pyc")), asset


def test_common_layer_has_the_lambda_layer_layout(synth: Synth) -> None:
    layer = synth.logical_id(synth.stack.compute.common_layer)
    key = synth.resources[layer]["Properties"]["Content"]["S3Key"]
    assert (synth.outdir / f"asset.{key.removesuffix('.zip')}" / "python" / "niochat" / "settings.py").is_file()
