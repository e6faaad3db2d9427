"""One function per folder of the route table, on both layers, with the environment niochat.settings reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra import routes
from infra.components import functions
from tests.infra.conftest import Synth, refs

pytestmark = pytest.mark.infra
# The magic number of CPython 3.12's bytecode (3531), whichever interpreter runs the tests.
MAGIC_312 = (3531).to_bytes(2, "little") + b"\r\n"


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


def _deployment_handler(synth: Synth) -> str:
    """aws-cdk-lib's own handler of the console's BucketDeployment (tests/infra/test_console.py)."""
    handler = synth.stack.console.deployment.handler_role.node.scope
    assert handler is not None
    return synth.logical_id(handler)


def test_one_function_per_route_table_function(synth: Synth) -> None:
    assert set(synth.stack.functions) == set(routes.functions())
    others = set(synth.of_type("AWS::Lambda::Function")) - {synth.function_id(n) for n in routes.functions()}
    assert others == {_deployment_handler(synth)}


def _our_layers(synth: Synth) -> dict[str, dict]:
    """The common and dependency layers (the console deployment's AWS CLI layer is aws-cdk-lib's)."""
    ours = {synth.logical_id(synth.stack.compute.common_layer), synth.logical_id(synth.stack.compute.deps_layer)}
    return {k: v for k, v in synth.of_type("AWS::Lambda::LayerVersion").items() if k in ours}


@pytest.mark.parametrize("name", routes.functions())
def test_function_runtime_and_layers(synth: Synth, name: str) -> None:
    props = _function(synth, name)
    assert props["Handler"] == functions.HANDLER == "niochat.boot.lambda_handler"
    assert props["Runtime"] == "python3.12"
    assert props["Architectures"] == ["arm64"]
    assert props["MemorySize"] == 512
    longer = (routes.WEBSOCKET_FUNCTION, routes.WEBHOOK_FUNCTION, routes.STREAM_FUNCTION, routes.TIMERS_FUNCTION,
              routes.ASSISTANT_FUNCTION)  # fmt: skip
    assert props["Timeout"] == (60 if name in longer else 29)
    layers = _our_layers(synth)
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


# The table and media bucket permissions of each function: tests/infra/test_access.py.


@pytest.mark.parametrize("name", routes.functions())
def test_only_the_integrations_and_the_assistant_touch_the_secrets(synth: Synth, name: str) -> None:
    statements = [s for s in _policy_statements(synth, name) if str(s["Action"]).count("ssm:")]
    expected = {"integrations": {"ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter"},
                routes.ASSISTANT_FUNCTION: {"ssm:GetParameter"}, routes.TIMERS_FUNCTION: {"ssm:GetParameter"},
                }.get(name)  # fmt: skip
    if expected is None:
        assert statements == []
        return
    (statement,) = statements
    actions = statement["Action"]
    assert (set(actions) if isinstance(actions, list) else {actions}) == expected
    resource = statement["Resource"]["Fn::Join"][1]
    assert refs(resource) == {synth.logical_id(synth.stack.storage.table)}
    assert resource[-1].endswith("/*") and ":parameter/niochat/" in "".join(p for p in resource if isinstance(p, str))


@pytest.mark.parametrize("name", routes.functions())
def test_only_the_stream_function_manages_websocket_connections(synth: Synth, name: str) -> None:
    """The realtime listener posts events; the ws function only answers the routes."""
    manage = [s for s in _policy_statements(synth, name) if s["Action"] == "execute-api:ManageConnections"]
    if name != routes.STREAM_FUNCTION:
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


def _lambda_assets(synth: Synth) -> dict[str, Path]:
    """The staged asset folder of every function and of both layers, by name."""
    assets = {name: _asset_dir(synth, name) for name in routes.functions()}
    for layer in _our_layers(synth).values():
        key = layer["Properties"]["Content"]["S3Key"]
        assets[layer["Properties"]["Description"]] = synth.outdir / f"asset.{key.removesuffix('.zip')}"
    return assets


def _pyc_problem(source: Path) -> str | None:
    """Why `source` would be compiled on every cold start, or None: its cpython-312 .pyc must be beside it,
    and hash-based, unchecked (PEP 552: timestamps after unzipping don't matter)."""
    pyc = source.parent / "__pycache__" / f"{source.stem}.cpython-312.pyc"
    if not pyc.is_file():
        return "no cpython-312 .pyc"
    header = pyc.read_bytes()[:16]
    if header[:4] != MAGIC_312:
        return "not CPython 3.12 bytecode"
    if int.from_bytes(header[4:8], "little") != 0b01:
        return "not an unchecked-hash .pyc"
    return None


def test_every_module_in_the_assets_ships_cpython_312_bytecode(synth: Synth) -> None:
    for label, asset in _lambda_assets(synth).items():
        sources = list(asset.rglob("*.py"))
        assert sources, label
        problems = {str(p.relative_to(asset)): why for p in sources if (why := _pyc_problem(p))}
        assert problems == {}, label
        other = [p.name for p in asset.rglob("*.pyc") if ".cpython-312." not in p.name]
        assert other == [], label


@pytest.mark.parametrize("name", routes.functions())
def test_function_traces_go_to_xray(synth: Synth, name: str) -> None:
    assert _function(synth, name)["TracingConfig"] == {"Mode": "Active"}
    assert {"xray:PutTraceSegments", "xray:PutTelemetryRecords"} <= _actions(synth, name)


def test_common_layer_has_the_lambda_layer_layout(synth: Synth) -> None:
    layer = synth.logical_id(synth.stack.compute.common_layer)
    key = synth.resources[layer]["Properties"]["Content"]["S3Key"]
    assert (synth.outdir / f"asset.{key.removesuffix('.zip')}" / "python" / "niochat" / "settings.py").is_file()
