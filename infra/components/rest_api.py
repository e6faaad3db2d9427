"""The REST API, built from infra/routes.py: each prefix and everything under it goes to its group's function."""

from __future__ import annotations

import json
from collections.abc import Mapping

from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra import routes
from infra.components.api_logging import ApiGatewayLogging

STAGE = "prod"
# Stage throttling (requests per second, steady and burst) for every method: a flood answers 429 at the
# gateway instead of starving the account's Lambda concurrency. Well above a provedor's agents' traffic.
THROTTLE_RATE = 200
THROTTLE_BURST = 400


def _body(error: str, message: str) -> str:
    return json.dumps({"error": error, "message": message}, ensure_ascii=False)


# Responses API Gateway produces itself (no function ran), in the API's {"error", "message"} format.
# type → (status code, or None to keep API Gateway's, body template).
GATEWAY_RESPONSES: dict[apigateway.ResponseType, tuple[str | None, str]] = {
    # API Gateway's answer for a path no resource matches.
    apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN: (
        "404",
        _body("NotFound", "Endpoint não encontrado"),
    ),
    apigateway.ResponseType.THROTTLED: (
        "429",
        _body("RateLimitError", "Muitas requisições. Tente novamente mais tarde"),
    ),
    apigateway.ResponseType.INTEGRATION_TIMEOUT: (
        "504",
        _body("GatewayTimeout", "O servidor demorou demais para responder"),
    ),
    # $context.error.messageString is already a quoted JSON string.
    apigateway.ResponseType.DEFAULT_4_XX: (
        None,
        '{"error": "$context.error.responseType", "message": $context.error.messageString}',
    ),
    apigateway.ResponseType.DEFAULT_5_XX: (None, _body("InternalError", "Erro interno do servidor")),
}


class RestApi(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: Mapping[str, lambda_.IFunction],
        logging: ApiGatewayLogging,
    ) -> None:
        super().__init__(scope, construct_id)
        access_logs = logging.access_log_group(self, "AccessLogs")
        self.api = apigateway.RestApi(
            self,
            "Api",
            rest_api_name="niochat",
            description="NioChat REST API (routes: infra/routes.py)",
            cloud_watch_role=False,  # ApiGatewayLogging owns the account's CloudWatch role
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            # send_media uploads arrive base64-encoded to the function (event isBase64Encoded).
            binary_media_types=["multipart/form-data"],
            deploy_options=apigateway.StageOptions(
                stage_name=STAGE,
                tracing_enabled=True,
                throttling_rate_limit=THROTTLE_RATE,
                throttling_burst_limit=THROTTLE_BURST,
                logging_level=apigateway.MethodLoggingLevel.ERROR,
                metrics_enabled=True,
                access_log_destination=apigateway.LogGroupLogDestination(access_logs),
                access_log_format=apigateway.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=False,
                ),
            ),
        )
        logging.before(self.api.deployment_stage)
        # RestApi always adds an "Endpoint" output; the stack publishes the same URL as RestApiUrl.
        self.api.node.try_remove_child("Endpoint")

        for group in routes.REST_GROUPS:
            # allow_test_invoke=False: one Lambda permission per method instead of two.
            integration = apigateway.LambdaIntegration(functions[group.function], allow_test_invoke=False)
            for prefix in group.prefixes:
                resource = self.api.root.resource_for_path(prefix)
                resource.add_method("ANY", integration)
                resource.add_resource("{proxy+}").add_method("ANY", integration)

        self.gateway_responses: list[apigateway.GatewayResponse] = [
            self.api.add_gateway_response(
                f"Gateway{response_type.response_type.title().replace('_', '')}",
                type=response_type,
                status_code=status_code,
                templates={"application/json": template},
            )
            for response_type, (status_code, template) in GATEWAY_RESPONSES.items()
        ]

    def allow_origin(self, origin: str) -> None:
        """Let a browser page at `origin` (scheme://host) read the API's answers. The functions answer CORS
        themselves, preflights included (CONSOLE_ORIGIN, niochat.http.app): `ANY` takes OPTIONS to them, and a
        mock OPTIONS method per routed resource would add 60 resources to a stack near CloudFormation's 500.
        What API Gateway answers itself (unknown path, throttling, timeouts) gets the header here."""
        for response in self.gateway_responses:
            cfn = response.node.default_child
            assert isinstance(cfn, apigateway.CfnGatewayResponse)
            cfn.response_parameters = {"gatewayresponse.header.Access-Control-Allow-Origin": f"'{origin}'"}
