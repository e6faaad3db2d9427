"""The WebSocket API: $connect, $disconnect and $default all go to the ws function."""

from __future__ import annotations

import jsii
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_lambda as lambda_
from aws_cdk.aws_apigatewayv2_integrations import WebSocketLambdaIntegration
from constructs import Construct

from infra.components.api_logging import ApiGatewayLogging

STAGE = "prod"
ROUTES = ("$connect", "$disconnect", "$default")
# $default answers ping with {"type": "pong"}: the function's return value is sent back to the client.
RETURNS_RESPONSE = frozenset({"$default"})


class WebSocket(Construct):
    """Created before the functions (their environment needs the stage URL); `route_to` adds the routes."""

    def __init__(self, scope: Construct, construct_id: str, *, logging: ApiGatewayLogging) -> None:
        super().__init__(scope, construct_id)
        self.api = apigwv2.WebSocketApi(
            self, "Api", api_name="niochat-ws", description="NioChat realtime events (dashboard)"
        )
        self.stage = apigwv2.WebSocketStage(
            self,
            "Stage",
            web_socket_api=self.api,
            stage_name=STAGE,
            auto_deploy=True,
            access_log_settings=_AccessLogSettings(
                apigwv2.LogGroupLogDestination(logging.access_log_group(self, "AccessLogs"))
            ),
        )
        logging.before(self.stage)

    @property
    def management_endpoint(self) -> str:
        """https://{api_id}.execute-api.{region}.amazonaws.com/{stage}: where @connections lives."""
        return self.stage.callback_url

    def route_to(self, function: lambda_.IFunction) -> None:
        for route in ROUTES:
            self.api.add_route(
                route,
                integration=WebSocketLambdaIntegration(f"{route.strip('$').title()}Integration", function),
                return_response=route in RETURNS_RESPONSE,
            )

    def grant_management(self, function: lambda_.IFunction) -> None:
        """execute-api:ManageConnections on this API's prod stage @connections only."""
        self.stage.grant_management_api_access(function)


@jsii.implements(apigwv2.IAccessLogSettings)
class _AccessLogSettings:
    """Access logs to `destination` in CDK's default format (IP, time, event, route, connection, status, request)."""

    def __init__(self, destination: apigwv2.IAccessLogDestination) -> None:
        self._destination = destination

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> None:
        return None
