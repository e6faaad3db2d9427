"""The alarms and where they go: an SNS topic (KMS-encrypted, TLS only) that every CloudWatch alarm of the stack
notifies, with an optional e-mail subscription (the `AlarmEmail` parameter, or `-c alarm_email=` at synth).

Made last, so it also covers the alarms other components made (the stream's iterator age and parked records in
infra/components/reactions.py): REST API 5xx, and for every function its throttles and its errors (unless an
errors alarm of its own exists already)."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import CfnCondition, CfnOutput, CfnParameter, Duration, Fn, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra.components.functions import function_construct_id

PERIOD = Duration.minutes(5)
# 5xx answers of the REST API in 5 minutes: the functions' 500s, a provider's refusal (502), the gateway's
# 503/504. A few in a window is an incident, one may be a provider's hiccup.
REST_5XX_THRESHOLD = 5
# Every function's alarms, at one in a period: what happened, for the alarm's description.
THROTTLED = "was throttled (its reserved concurrency or the account's is used up)"
FAILED = "failed (an error it did not answer, a timeout or a crash)"


class Alarms(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        rest_api: apigateway.RestApi,
        functions: Mapping[str, lambda_.Function],
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.key = kms.Key(self, "TopicKey", description="NioChat alarm topic", enable_key_rotation=True)
        # CloudWatch publishes the alarms to the encrypted topic: it needs the key (AWS's documented grant).
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsPublish",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
            )
        )
        self.topic = sns.Topic(self, "Topic", display_name="NioChat alarms", master_key=self.key, enforce_ssl=True)
        self.email = CfnParameter(
            stack,
            "AlarmEmail",
            type="String",
            default=self.node.try_get_context("alarm_email") or "",
            allowed_pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$",
            description="E-mail address the alarms are sent to (empty: none; subscribe to the topic yourself)",
        )
        has_email = CfnCondition(
            self, "HasAlarmEmail", expression=Fn.condition_not(Fn.condition_equals(self.email.value_as_string, ""))
        )
        subscription = sns.CfnSubscription(
            self, "Email", topic_arn=self.topic.topic_arn, protocol="email", endpoint=self.email.value_as_string
        )
        subscription.cfn_options.condition = has_email
        CfnOutput(stack, "AlarmTopicArn", value=self.topic.topic_arn, description="SNS topic every alarm notifies")

        self.rest_5xx = threshold_alarm(
            self,
            "RestApi5xx",
            f"The REST API answered {REST_5XX_THRESHOLD} or more 5xx in 5 minutes.",
            rest_api.metric_server_error(period=PERIOD, statistic="Sum"),
            threshold=REST_5XX_THRESHOLD,
        )
        errors_alarmed = _functions_with_errors_alarm(stack)
        for name, function in functions.items():
            alarmed = [("Throttles", function.metric_throttles, THROTTLED)]
            if function.function_name not in errors_alarmed:
                alarmed.append(("Errors", function.metric_errors, FAILED))
            for kind, metric, happened in alarmed:
                threshold_alarm(
                    self,
                    f"{function_construct_id(name)}{kind}",
                    f"The {name} function {happened}.",
                    metric(period=PERIOD, statistic="Sum"),
                    threshold=1,
                )

        action = actions.SnsAction(self.topic)
        for alarm in _alarms(stack):
            alarm.add_alarm_action(action)


def threshold_alarm(
    scope: Construct,
    construct_id: str,
    description: str,
    metric: cloudwatch.IMetric,
    *,
    threshold: float,
    periods: int = 1,
) -> cloudwatch.Alarm:
    """At or above `threshold` for `periods` periods of the metric; no data (nothing ran) is not an alarm."""
    return cloudwatch.Alarm(
        scope,
        construct_id,
        alarm_description=description,
        metric=metric,
        threshold=threshold,
        evaluation_periods=periods,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )


def _alarms(stack: Stack) -> list[cloudwatch.Alarm]:
    return [node for node in stack.node.find_all() if isinstance(node, cloudwatch.Alarm)]


def _functions_with_errors_alarm(stack: Stack) -> set[str]:
    """The function names (tokens) some alarm already watches the Lambda Errors metric of."""
    watched: set[str] = set()
    for alarm in _alarms(stack):
        metric = alarm.metric
        if isinstance(metric, cloudwatch.Metric) and (metric.namespace, metric.metric_name) == ("AWS/Lambda", "Errors"):
            name = (metric.dimensions or {}).get("FunctionName")
            if isinstance(name, str):
                watched.add(name)
    return watched
