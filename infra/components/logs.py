"""The stack's log groups: each function's and each API's access logs, kept a month and encrypted with one
customer-managed KMS key (rotated every year) whose policy lets CloudWatch Logs use it for this account's log
groups only. Logs carry customers' names, phone numbers and message metadata."""

from __future__ import annotations

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

RETENTION = logs.RetentionDays.ONE_MONTH


class LogGroups(Construct):
    """Made first: the functions and the APIs create their log groups through `log_group`."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        # Retained (CDK's default for keys): the log groups are retained too, and stay readable.
        self.key = kms.Key(
            self,
            "Key",
            description="NioChat log groups (functions, REST and WebSocket access logs)",
            enable_key_rotation=True,
        )
        log_groups = stack.format_arn(
            service="logs", resource="log-group", resource_name="*", arn_format=ArnFormat.COLON_RESOURCE_NAME
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchLogsOfThisAccount",
                principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
                actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                resources=["*"],
                conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": log_groups}},
            )
        )

    def log_group(self, scope: Construct, construct_id: str) -> logs.LogGroup:
        return logs.LogGroup(scope, construct_id, retention=RETENTION, encryption_key=self.key)
