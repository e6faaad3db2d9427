"""The region's API Gateway CloudWatch role, which both the REST and WebSocket stages need to write logs."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct, IConstruct

from infra.components.logs import LogGroups


class ApiGatewayLogging(Construct):
    """AWS::ApiGateway::Account is one setting per account and region: stages that log must depend on it."""

    def __init__(self, scope: Construct, construct_id: str, *, log_groups: LogGroups) -> None:
        super().__init__(scope, construct_id)
        self.log_groups = log_groups
        self.role = iam.Role(
            self,
            "CloudWatchRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AmazonAPIGatewayPushToCloudWatchLogs")
            ],
        )
        self.account = apigateway.CfnAccount(self, "Account", cloud_watch_role_arn=self.role.role_arn)
        # Deleting the stack must not pull the logging role from under other APIs in the region.
        self.role.apply_removal_policy(RemovalPolicy.RETAIN)
        self.account.apply_removal_policy(RemovalPolicy.RETAIN)

    def access_log_group(self, scope: Construct, construct_id: str) -> logs.LogGroup:
        return self.log_groups.log_group(scope, construct_id)

    def before(self, stage: IConstruct) -> None:
        """Make `stage` wait for the account's CloudWatch role (else: 'CloudWatch Logs role ARN must be set')."""
        stage.node.add_dependency(self.account)
