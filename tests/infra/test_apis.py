"""REST API from the route table, WebSocket API, webhook Function URL, stream mapping, outputs."""

from __future__ import annotations

import json

import pytest

from infra import routes, stream_filter
from niochat.reactions.listeners import wanted_kinds
from tests.infra.conftest import Synth, refs

pytestmark = pytest.mark.infra

PREFIXES = [(group.function, prefix) for group in routes.REST_GROUPS for prefix in group.prefixes]


def _resource_paths(synth: Synth) -> dict[str, str]:
    """Logical id of each API Gateway resource → its full path."""
    resources = synth.of_type("AWS::ApiGateway::Resource")
    root = synth.logical_id(synth.stack.rest.api)

    def path(logical_id: str) -> str:
        props = resources[logical_id]["Properties"]
        parent = props["ParentId"]
        parent_path = "" if parent == {"Fn::GetAtt": [root, "RootResourceId"]} else path(parent["Ref"])
        return f"{parent_path}/{props['PathPart']}"

    return {logical_id: path(logical_id) for logical_id in resources}


def _methods(synth: Synth) -> dict[str, list[dict]]:
    """Full resource path → its methods' properties."""
    paths = _resource_paths(synth)
    methods: dict[str, list[dict]] = {}
    for method in synth.of_type("AWS::ApiGateway::Method").values():
        props = method["Properties"]
        methods.setdefault(paths[props["ResourceId"]["Ref"]], []).append(props)
    return methods


@pytest.mark.parametrize(("function", "prefix"), PREFIXES)
def test_prefix_and_everything_under_it_go_to_its_function(synth: Synth, function: str, prefix: str) -> None:
    methods = _methods(synth)
    for path in (prefix, f"{prefix}/{{proxy+}}"):
        # ANY: the console's CORS preflights (OPTIONS) too, answered by the function (tests/integration/test_cors.py)
        assert [m["HttpMethod"] for m in methods.get(path, [])] == ["ANY"], path
        integration = methods[path][0]["Integration"]
        assert integration["Type"] == "AWS_PROXY"
        assert integration["IntegrationHttpMethod"] == "POST"
        assert refs(integration["Uri"]) == {synth.function_id(function)}


def test_api_has_no_method_the_route_table_does_not_name(synth: Synth) -> None:
    expected = {path for _, prefix in PREFIXES for path in (prefix, f"{prefix}/{{proxy+}}")}
    assert set(_methods(synth)) == expected


def _gateway_response(synth: Synth, response_type: str) -> dict:
    found = [
        r["Properties"]
        for r in synth.of_type("AWS::ApiGateway::GatewayResponse").values()
        if r["Properties"]["ResponseType"] == response_type
    ]
    assert len(found) == 1, response_type
    return found[0]


def test_unknown_path_is_a_json_404(synth: Synth) -> None:
    response = _gateway_response(synth, "MISSING_AUTHENTICATION_TOKEN")
    assert response["StatusCode"] == "404"
    body = json.loads(response["ResponseTemplates"]["application/json"])
    assert body == {"error": "NotFound", "message": "Endpoint não encontrado"}


@pytest.mark.parametrize("response_type", ["DEFAULT_4XX", "DEFAULT_5XX", "THROTTLED", "INTEGRATION_TIMEOUT"])
def test_gateway_errors_answer_in_the_api_error_format(synth: Synth, response_type: str) -> None:
    template = _gateway_response(synth, response_type)["ResponseTemplates"]["application/json"]
    # What API Gateway substitutes: messageString comes quoted, responseType bare.
    rendered = template.replace("$context.error.messageString", '"Forbidden"').replace(
        "$context.error.responseType", "ACCESS_DENIED"
    )
    body = json.loads(rendered)
    assert set(body) == {"error", "message"}
    assert all(isinstance(value, str) and value for value in body.values())


def test_rest_stage_prod_traces_and_logs_access(synth: Synth) -> None:
    stages = synth.of_type("AWS::ApiGateway::Stage")
    assert len(stages) == 1
    stage = next(iter(stages.values()))
    props = stage["Properties"]
    assert props["StageName"] == "prod"
    assert props["TracingEnabled"] is True
    assert "requestId" in props["AccessLogSetting"]["Format"]
    # The account's CloudWatch role must exist before a stage that logs.
    assert stage["DependsOn"] == [synth.logical_id(synth.stack.api_logging.account)]


def test_websocket_routes_go_to_the_ws_function(synth: Synth) -> None:
    integrations = synth.of_type("AWS::ApiGatewayV2::Integration")
    routes_by_key = {
        r["Properties"]["RouteKey"]: r["Properties"] for r in synth.of_type("AWS::ApiGatewayV2::Route").values()
    }
    assert set(routes_by_key) == {"$connect", "$disconnect", "$default"}
    ws = synth.function_id(routes.WEBSOCKET_FUNCTION)
    for route in routes_by_key.values():
        integration = refs(route["Target"])
        assert len(integration) == 1
        assert refs(integrations[integration.pop()]["Properties"]["IntegrationUri"]) == {ws}
    # $default answers pings: the function's response goes back to the client.
    assert routes_by_key["$default"]["RouteResponseSelectionExpression"] == "$default"
    assert "RouteResponseSelectionExpression" not in routes_by_key["$connect"]
    route_responses = synth.of_type("AWS::ApiGatewayV2::RouteResponse")
    assert [r["Properties"]["RouteResponseKey"] for r in route_responses.values()] == ["$default"]


def test_websocket_stage_prod_auto_deploys(synth: Synth) -> None:
    stages = synth.of_type("AWS::ApiGatewayV2::Stage")
    assert [s["Properties"]["StageName"] for s in stages.values()] == ["prod"]
    stage = next(iter(stages.values()))
    assert stage["Properties"]["AutoDeploy"] is True
    assert "AccessLogSettings" in stage["Properties"]
    assert stage["DependsOn"] == [synth.logical_id(synth.stack.api_logging.account)]


def test_webhooks_function_url_is_public(synth: Synth) -> None:
    urls = synth.of_type("AWS::Lambda::Url")
    assert len(urls) == 1
    props = next(iter(urls.values()))["Properties"]
    assert props["AuthType"] == "NONE"
    webhooks = synth.function_id(routes.WEBHOOK_FUNCTION)
    assert refs(props["TargetFunctionArn"]) == {webhooks}
    # Anyone may call the URL (and only through the URL): both permissions Lambda requires for that.
    public = {
        (
            p["Properties"]["Action"],
            p["Properties"].get("FunctionUrlAuthType"),
            p["Properties"].get("InvokedViaFunctionUrl"),
        )
        for p in synth.of_type("AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "*" and refs(p["Properties"]["FunctionName"]) == {webhooks}
    }
    assert public == {("lambda:InvokeFunctionUrl", "NONE", None), ("lambda:InvokeFunction", None, True)}


def test_table_stream_feeds_the_stream_function_with_partial_failures(synth: Synth) -> None:
    props = mapping_of(synth, routes.STREAM_FUNCTION)
    assert props["EventSourceArn"] == {"Fn::GetAtt": [synth.logical_id(synth.stack.storage.table), "StreamArn"]}
    assert props["FunctionName"] == {"Ref": synth.function_id(routes.STREAM_FUNCTION)}
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["StartingPosition"] == "LATEST"
    assert props["BatchSize"] == 100
    assert props["BisectBatchOnFunctionError"] is True
    assert 0 < props["MaximumRetryAttempts"] <= 10
    assert props["MaximumRecordAgeInSeconds"] == 86400
    queue = synth.logical_id(synth.stack.reactions.stream_failures)
    assert props["DestinationConfig"] == {"OnFailure": {"Destination": {"Fn::GetAtt": [queue, "Arn"]}}}
    assert synth.resources[queue]["Properties"]["SqsManagedSseEnabled"] is True


def mapping_of(synth: Synth, function: str) -> dict:
    mappings = [m["Properties"] for m in synth.of_type("AWS::Lambda::EventSourceMapping").values()]
    # The stream function's and the assistant's, and no other (the ws function has none)
    assert sorted(refs(m["FunctionName"]).pop() for m in mappings) == sorted(
        synth.function_id(name) for name in (routes.STREAM_FUNCTION, routes.ASSISTANT_FUNCTION)
    )
    (found,) = [m for m in mappings if m["FunctionName"] == {"Ref": synth.function_id(function)}]
    return found


def test_the_assistant_reads_new_customer_messages_on_its_own_mapping(synth: Synth) -> None:
    props = mapping_of(synth, routes.ASSISTANT_FUNCTION)
    assert props["EventSourceArn"] == {"Fn::GetAtt": [synth.logical_id(synth.stack.storage.table), "StreamArn"]}
    patterns = [json.loads(f["Pattern"]) for f in props["FilterCriteria"]["Filters"]]
    assert patterns == stream_filter.ASSISTANT_PATTERNS
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"] and props["ParallelizationFactor"] == 1
    assert props["BatchSize"] == 10 and props["MaximumBatchingWindowInSeconds"] == 2
    queue = synth.logical_id(synth.stack.reactions.assistant_failures)
    assert props["DestinationConfig"] == {"OnFailure": {"Destination": {"Fn::GetAtt": [queue, "Arn"]}}}


def test_the_stream_is_filtered_to_the_kinds_the_listeners_want(synth: Synth) -> None:
    patterns = [
        json.loads(f["Pattern"]) for f in mapping_of(synth, routes.STREAM_FUNCTION)["FilterCriteria"]["Filters"]
    ]
    assert patterns == stream_filter.patterns()
    kinds = set(patterns[0]["dynamodb"]["NewImage"]["type"]["S"])
    assert kinds == set(wanted_kinds()) and {"event", "event_id", "timer", "fact_claim"}.isdisjoint(kinds)


def test_a_rule_runs_the_timers_every_minute_one_at_a_time(synth: Synth) -> None:
    (rule,) = synth.of_type("AWS::Events::Rule").values()
    assert rule["Properties"]["ScheduleExpression"] == "rate(1 minute)"
    assert rule["Properties"]["State"] == "ENABLED"
    (target,) = rule["Properties"]["Targets"]
    timers = synth.function_id(routes.TIMERS_FUNCTION)
    assert refs(target["Arn"]) == {timers}
    function = synth.resources[timers]["Properties"]
    assert function["ReservedConcurrentExecutions"] == 1 and function["Timeout"] == 60
    invokers = [p["Properties"] for p in synth.of_type("AWS::Lambda::Permission").values()
                if p["Properties"]["Principal"] == "events.amazonaws.com"]  # fmt: skip
    assert [refs(p["FunctionName"]) for p in invokers] == [{timers}]


def test_alarms_watch_the_stream_and_the_timers(synth: Synth) -> None:
    alarms = synth.of_type("AWS::CloudWatch::Alarm")
    watched: dict[str, list[set[str]]] = {}
    for alarm in alarms.values():
        props = alarm["Properties"]
        dimensions = {d["Name"]: d["Value"] for d in props.get("Dimensions", [])}
        watched.setdefault(props["MetricName"], []).append(refs(dimensions))
    stream, timers = synth.function_id(routes.STREAM_FUNCTION), synth.function_id(routes.TIMERS_FUNCTION)
    assert {stream} in watched["Errors"] and {timers} in watched["Errors"]
    assistant = synth.function_id(routes.ASSISTANT_FUNCTION)
    assert sorted(watched["IteratorAge"], key=sorted) == sorted([{stream}, {assistant}], key=sorted)
    for queue in (synth.stack.reactions.stream_failures, synth.stack.reactions.assistant_failures):
        assert {synth.logical_id(queue)} in watched["ApproximateNumberOfMessagesVisible"]


def test_the_rest_stage_is_throttled(synth: Synth) -> None:
    (stage,) = synth.of_type("AWS::ApiGateway::Stage").values()
    (settings,) = stage["Properties"]["MethodSettings"]
    assert (settings["HttpMethod"], settings["ResourcePath"]) == ("*", "/*")
    assert settings["ThrottlingRateLimit"] == 200 and settings["ThrottlingBurstLimit"] == 400


def test_the_stream_webhooks_and_timers_keep_their_own_concurrency(synth: Synth) -> None:
    reserved = {
        name: synth.resources[synth.function_id(name)]["Properties"].get("ReservedConcurrentExecutions")
        for name in routes.functions()
    }
    assert reserved.pop(routes.TIMERS_FUNCTION) == 1
    assert reserved.pop(routes.STREAM_FUNCTION) == 10 and reserved.pop(routes.WEBHOOK_FUNCTION) == 20
    assert reserved.pop(routes.ASSISTANT_FUNCTION) == 10
    assert set(reserved.values()) == {None}  # the REST functions share the rest of the account's concurrency
