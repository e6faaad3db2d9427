"""NioChatStack: the whole NioChat backend on AWS in one stack.

REST API (routes.REST_GROUPS) ─► functions ─► table / media bucket
Function URL ─► webhooks function
WebSocket API ─► ws function
table stream ─► stream function (listeners: realtime ─► @connections, aggregates; failures ─► SQS queue)
EventBridge rate(1 minute) ─► timers function (the sweep of due work)
WAF web ACL (per-IP rate limit) on the REST stage; every alarm ─► SNS topic; log groups KMS-encrypted
CloudFront (origin access control) ─► console bucket: the agents' console, its /config.json naming both APIs;
the REST API and its functions allow that one origin (CORS)
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra import routes
from infra.components.alarms import Alarms
from infra.components.api_logging import ApiGatewayLogging
from infra.components.console import Console
from infra.components.functions import Functions
from infra.components.logs import LogGroups
from infra.components.nag import acknowledge_findings
from infra.components.reactions import Reactions
from infra.components.rest_api import RestApi
from infra.components.storage import Storage
from infra.components.waf import RestApiFirewall
from infra.components.websocket import WebSocket


class NioChatStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        self.storage = Storage(self, "Storage")
        # Every log group of the stack (functions, access logs): kept a month, KMS-encrypted.
        self.log_groups = LogGroups(self, "Logs")
        self.api_logging = ApiGatewayLogging(self, "ApiGatewayLogging", log_groups=self.log_groups)
        # Before the functions: their environment carries the WebSocket stage URL.
        self.websocket = WebSocket(self, "WebSocket", logging=self.api_logging)
        self.compute = Functions(
            self,
            "Functions",
            table=self.storage.table,
            media_bucket=self.storage.media_bucket,
            environment={
                "TABLE_NAME": self.storage.table.table_name,
                "MEDIA_BUCKET": self.storage.media_bucket.bucket_name,
                "WEBSOCKET_API_ENDPOINT": self.websocket.management_endpoint,
            },
            log_groups=self.log_groups,
        )
        self.functions: dict[str, lambda_.Function] = self.compute.by_name
        self.rest = RestApi(self, "RestApi", functions=self.functions, logging=self.api_logging)
        # A per-IP rate limit in front of the stage (a Function URL cannot have a web ACL: see waf.py).
        self.firewall = RestApiFirewall(self, "Firewall", stage=self.rest.api.deployment_stage)

        # Auth NONE: providers can't sign with AWS credentials; the webhooks function authenticates each delivery.
        self.webhook_url = self.functions[routes.WEBHOOK_FUNCTION].add_function_url(
            auth_type=lambda_.FunctionUrlAuthType.NONE
        )
        for name, function in self.functions.items():
            # The webhooks function can't be told its own URL: Function → Url → Function would be a cycle.
            if name != routes.WEBHOOK_FUNCTION:
                function.add_environment("WEBHOOK_BASE_URL", self.webhook_url.url)

        # After both APIs (its config file and its CSP name them); then they allow its origin: the preflights,
        # and the REST functions' CORS headers (niochat.http.app). Unset locally, where the console is same-origin.
        self.console = Console(
            self,
            "Console",
            rest_api=self.rest.api,
            websocket=self.websocket,
            media_bucket=self.storage.media_bucket,
            log_groups=self.log_groups,
        )
        self.rest.allow_origin(self.console.origin)
        for name in dict.fromkeys(group.function for group in routes.REST_GROUPS):
            self.functions[name].add_environment("CONSOLE_ORIGIN", self.console.origin)

        self.websocket.route_to(self.functions[routes.WEBSOCKET_FUNCTION])
        # The realtime listener posts events to the connections.
        self.websocket.grant_management(self.functions[routes.STREAM_FUNCTION])
        self.reactions = Reactions(
            self,
            "Reactions",
            table=self.storage.table,
            stream_function=self.functions[routes.STREAM_FUNCTION],
            timers_function=self.functions[routes.TIMERS_FUNCTION],
            assistant_function=self.functions[routes.ASSISTANT_FUNCTION],
        )

        # Last: it also sends the alarms made above (reactions) to its topic.
        self.alarms = Alarms(self, "Alarms", rest_api=self.rest.api, functions=self.functions)

        CfnOutput(self, "RestApiUrl", value=self.rest.api.url, description="REST API base URL (stage prod)")
        CfnOutput(self, "WebSocketUrl", value=self.websocket.stage.url, description="wss:// URL for the dashboard")
        CfnOutput(self, "WebhookUrl", value=self.webhook_url.url, description="Base URL for provider webhooks")
        CfnOutput(self, "ConsoleUrl", value=f"{self.console.origin}/", description="The agents' console")
        CfnOutput(self, "TableName", value=self.storage.table.table_name)
        CfnOutput(self, "MediaBucketName", value=self.storage.media_bucket.bucket_name)

        acknowledge_findings(
            storage=self.storage,
            logging=self.api_logging,
            functions=self.compute,
            rest=self.rest,
            websocket=self.websocket,
            console=self.console,
            stream_failures=self.reactions.stream_failures,
            assistant_failures=self.reactions.assistant_failures,
        )
