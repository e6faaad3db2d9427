"""Operating the stack: the WAF rate limit on the REST stage, encrypted log groups kept a month, alarms that reach
an encrypted topic, and traces that record neither responses nor exception messages."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra import routes
from infra.components import waf
from tests.infra.conftest import Synth, refs

pytestmark = pytest.mark.infra


def _function(synth: Synth, name: str) -> dict[str, Any]:
    return synth.resources[synth.function_id(name)]["Properties"]


# -- WAF -----------------------------------------------------------------------------------------------------
def test_a_regional_web_acl_limits_each_source_ip_and_answers_429(synth: Synth) -> None:
    (acl,) = synth.of_type("AWS::WAFv2::WebACL").values()
    props = acl["Properties"]
    assert props["Scope"] == "REGIONAL" and props["DefaultAction"] == {"Allow": {}}
    (rule,) = props["Rules"]
    statement = rule["Statement"]["RateBasedStatement"]
    assert statement == {"AggregateKeyType": "IP", "Limit": waf.RATE_LIMIT_PER_IP, "EvaluationWindowSec": 300}
    block = rule["Action"]["Block"]["CustomResponse"]
    assert block["ResponseCode"] == 429
    body = props["CustomResponseBodies"][block["CustomResponseBodyKey"]]
    assert body["ContentType"] == "APPLICATION_JSON"
    assert set(json.loads(body["Content"])) == {"error", "message"}
    # Sampled requests would keep whole requests, Authorization headers included, viewable in the console.
    assert props["VisibilityConfig"]["SampledRequestsEnabled"] is False
    assert rule["VisibilityConfig"]["SampledRequestsEnabled"] is False


def test_the_web_acl_is_on_the_rest_stage(synth: Synth) -> None:
    (association,) = synth.of_type("AWS::WAFv2::WebACLAssociation").values()
    props = association["Properties"]
    (acl,) = synth.of_type("AWS::WAFv2::WebACL")
    assert props["WebACLArn"] == {"Fn::GetAtt": [acl, "Arn"]}
    arn = props["ResourceArn"]["Fn::Join"][1]
    literal = "".join(part for part in arn if isinstance(part, str))  # the region is a literal or a Ref
    assert ":apigateway:" in literal and "::/restapis/" in literal and "/stages/" in literal
    stage = synth.logical_id(synth.stack.rest.api.deployment_stage)
    assert refs(arn) == {synth.logical_id(synth.stack.rest.api), stage}


# -- log groups ------------------------------------------------------------------------------------------------
def _key_of_logs(synth: Synth) -> str:
    return synth.logical_id(synth.stack.log_groups.key)


@pytest.mark.parametrize("name", routes.functions())
def test_each_function_has_its_own_log_group_encrypted_and_kept_30_days(synth: Synth, name: str) -> None:
    (log_group,) = refs(_function(synth, name)["LoggingConfig"]["LogGroup"])
    props = synth.resources[log_group]["Properties"]
    assert props["RetentionInDays"] == 30
    assert props["KmsKeyId"] == {"Fn::GetAtt": [_key_of_logs(synth), "Arn"]}
    others = [n for n in routes.functions() if n != name]
    assert all(refs(_function(synth, n)["LoggingConfig"]["LogGroup"]) != {log_group} for n in others)


def test_every_log_group_of_the_stack_is_encrypted_and_kept(synth: Synth) -> None:
    log_groups = synth.of_type("AWS::Logs::LogGroup")
    # and the REST and WebSocket access logs, and the console deployment's handler's
    assert len(log_groups) == len(routes.functions()) + 3
    for log_group in log_groups.values():
        assert log_group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [_key_of_logs(synth), "Arn"]}
        assert log_group["Properties"]["RetentionInDays"] == 30
        assert log_group["DeletionPolicy"] == "Retain"


def test_the_logs_key_rotates_and_lets_cloudwatch_logs_use_it_for_this_accounts_log_groups(synth: Synth) -> None:
    key = synth.resources[_key_of_logs(synth)]
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain"
    (logs,) = [s for s in key["Properties"]["KeyPolicy"]["Statement"] if s.get("Sid") == "CloudWatchLogsOfThisAccount"]
    # The region's CloudWatch Logs (a literal with the Makefile's CDK_DEFAULT_REGION, a Ref without).
    assert logs["Principal"]["Service"] == synth.stack.resolve(f"logs.{synth.stack.region}.amazonaws.com")
    assert {"kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"} <= set(logs["Action"])
    arn = json.dumps(logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"])
    account = synth.stack.resolve(synth.stack.account)
    assert ":log-group:*" in arn and (account if isinstance(account, str) else "AWS::AccountId") in arn


# -- tracer ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", routes.functions())
def test_traces_record_neither_responses_nor_exception_messages(synth: Synth, name: str) -> None:
    env = _function(synth, name)["Environment"]["Variables"]
    assert env["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false"
    assert env["POWERTOOLS_TRACER_CAPTURE_ERROR"] == "false"
    assert "POWERTOOLS_METRICS_DISABLED" not in env  # business metrics are published on AWS


# -- alarms ----------------------------------------------------------------------------------------------------
def _alarms(synth: Synth) -> dict[str, dict[str, Any]]:
    return {k: v["Properties"] for k, v in synth.of_type("AWS::CloudWatch::Alarm").items()}


def _watching(synth: Synth, metric: str, namespace: str = "AWS/Lambda") -> dict[str, list[dict[str, Any]]]:
    """Function name → the alarms on its `metric`."""
    by_function: dict[str, list[dict[str, Any]]] = {}
    ids = {synth.function_id(name): name for name in routes.functions()}
    for props in _alarms(synth).values():
        if props.get("MetricName") == metric and props.get("Namespace") == namespace:
            dimensions = {d["Name"]: d["Value"] for d in props["Dimensions"]}
            (function,) = refs(dimensions["FunctionName"])
            by_function.setdefault(ids[function], []).append(props)
    return by_function


def test_every_alarm_notifies_the_topic(synth: Synth) -> None:
    topic = synth.logical_id(synth.stack.alarms.topic)
    alarms = _alarms(synth)
    assert len(alarms) > 2 * len(routes.functions())
    for props in alarms.values():
        assert props["AlarmActions"] == [{"Ref": topic}]
        assert props["TreatMissingData"] == "notBreaching"


@pytest.mark.parametrize("name", routes.functions())
def test_each_function_alarms_once_on_throttles_and_once_on_errors(synth: Synth, name: str) -> None:
    (throttles,) = _watching(synth, "Throttles")[name]
    assert throttles["Threshold"] == 1 and throttles["Statistic"] == "Sum" and throttles["Period"] == 300
    assert throttles["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    (errors,) = _watching(synth, "Errors")[name]  # the reactions' own errors alarms are not doubled
    assert errors["Threshold"] == (3 if name == routes.TIMERS_FUNCTION else 1)


def test_rest_api_5xx_stream_iterator_age_and_parked_records_alarm(synth: Synth) -> None:
    alarms = list(_alarms(synth).values())
    (rest,) = [a for a in alarms if a.get("MetricName") == "5XXError"]
    assert rest["Namespace"] == "AWS/ApiGateway" and rest["Statistic"] == "Sum" and rest["Threshold"] == 5
    assert {d["Name"] for d in rest["Dimensions"]} == {"ApiName"}
    for mapped in (routes.STREAM_FUNCTION, routes.ASSISTANT_FUNCTION):  # both event source mappings of the stream
        (age,) = _watching(synth, "IteratorAge")[mapped]
        assert age["Statistic"] == "Maximum" and age["Threshold"] == 300_000 and age["EvaluationPeriods"] == 2
    parked = [a for a in alarms if a.get("MetricName") == "ApproximateNumberOfMessagesVisible"]
    queues = {refs(d["Value"]).pop() for a in parked for d in a["Dimensions"]}
    assert synth.logical_id(synth.stack.reactions.stream_failures) in queues
    # More than 0 messages: at or above 1.
    assert all(a["Threshold"] == 1 and a["ComparisonOperator"] == "GreaterThanOrEqualToThreshold" for a in parked)


def test_the_topic_is_encrypted_tls_only_and_its_e_mail_optional(synth: Synth) -> None:
    topic = synth.logical_id(synth.stack.alarms.topic)
    key = synth.logical_id(synth.stack.alarms.key)
    assert synth.resources[topic]["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
    key_props = synth.resources[key]["Properties"]
    assert key_props["EnableKeyRotation"] is True
    (publish,) = [s for s in key_props["KeyPolicy"]["Statement"] if s.get("Sid") == "CloudWatchAlarmsPublish"]
    assert publish["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert set(publish["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}
    (policy,) = [p["Properties"] for p in synth.of_type("AWS::SNS::TopicPolicy").values()]
    (deny,) = policy["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}

    template = synth.json
    assert template["Parameters"]["AlarmEmail"]["Default"] == ""
    (subscription,) = [r for r in synth.of_type("AWS::SNS::Subscription").values()]
    assert subscription["Properties"]["Protocol"] == "email"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    condition = template["Conditions"][subscription["Condition"]]
    assert condition == {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}
