"""The Lambda functions: one per folder named in infra/routes.py, all on the two shared layers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra import routes
from infra.components.paths import ASSET_EXCLUDES, require_common_layer, require_deps_layer, require_function

RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64
MEMORY_MB = 512
# API Gateway REST gives up on an integration after 29 s; the others may take longer.
DEFAULT_TIMEOUT = Duration.seconds(29)
# The webhooks function downloads inbound media (a provider call of up to 25 s, then S3) inside the delivery;
# the stream function fans a batch out to many connections; the timers' sweep stops itself after 40 s
# (niochat.timers.sweep), well inside its 90 s leases.
TIMEOUTS: dict[str, Duration] = {
    routes.WEBSOCKET_FUNCTION: Duration.seconds(60),
    routes.WEBHOOK_FUNCTION: Duration.seconds(60),
    routes.STREAM_FUNCTION: Duration.seconds(60),
    routes.TIMERS_FUNCTION: Duration.seconds(60),
}
# Reserved concurrency: each of these keeps its own share of the account's Lambda concurrency, so a flood on
# one (a provider's webhook storm, a burst of logins on the REST API) cannot starve the others, and caps it.
# One sweep at a time is the normal case for the timers (overlapping sweeps are safe, just wasted work); the
# stream needs one per shard (a table has a few).
RESERVED_CONCURRENCY: dict[str, int] = {
    routes.TIMERS_FUNCTION: 1,
    routes.STREAM_FUNCTION: 10,
    routes.WEBHOOK_FUNCTION: 20,
}

# Every request-path read is a GetItem, BatchGetItem or Query (the design allows no Scan), so Scan is not granted.
# Transactions are authorized per item by the same actions (ConditionCheckItem for their conditions).
TABLE_ACTIONS: tuple[str, ...] = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
)

MediaAccess = Literal["read", "read_write"]
# Which functions touch the media bucket, and how. Applied only to functions that exist in the route table;
# every other function gets no S3 permission at all.
MEDIA_ACCESS: dict[str, MediaAccess] = {
    "system": "read",  # health check: s3:ListBucket through head_bucket
    "webhooks": "read_write",  # stores media received from the WhatsApp provider
    "messages": "read_write",  # attachments sent by agents
    "chat": "read_write",  # files of team chat and private messages (deleted with their message)
    "media": "read",
    "timers": "read_write",  # downloads the inbound media the webhook could not fetch at delivery
}


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("-", "_").split("_"))


class Functions(Construct):
    """Creates every function; `by_name` maps a route-table name to its function."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table: dynamodb.ITable,
        media_bucket: s3.IBucket,
        environment: Mapping[str, str],
    ) -> None:
        super().__init__(scope, construct_id)

        compatible = {"compatible_runtimes": [RUNTIME], "compatible_architectures": [ARCHITECTURE]}
        self.common_layer = lambda_.LayerVersion(
            self,
            "CommonLayer",
            code=lambda_.Code.from_asset(str(require_common_layer()), exclude=ASSET_EXCLUDES),
            description="niochat package (layers/common/python/niochat, with cpython-312 bytecode)",
            **compatible,
        )
        self.deps_layer = lambda_.LayerVersion(
            self,
            "DepsLayer",
            code=lambda_.Code.from_asset(str(require_deps_layer()), exclude=[*ASSET_EXCLUDES, "python/bin"]),
            description="Runtime dependencies from layers/common/requirements.txt (cp312, manylinux aarch64, bytecode)",
            **compatible,
        )

        self.by_name: dict[str, lambda_.Function] = {}
        for name in routes.functions():
            self.by_name[name] = self._function(name, environment)

        for name, function in self.by_name.items():
            table.grant(function, *TABLE_ACTIONS)
            access = MEDIA_ACCESS.get(name)
            if access == "read":
                media_bucket.grant_read(function)
            elif access == "read_write":
                media_bucket.grant_read_write(function)

    def _function(self, name: str, environment: Mapping[str, str]) -> lambda_.Function:
        construct_id = _pascal(name)
        log_group = logs.LogGroup(self, f"{construct_id}Logs", retention=logs.RetentionDays.ONE_MONTH)
        return lambda_.Function(
            self,
            construct_id,
            description=f"NioChat {name} (functions/{name})",
            # The build copied symlinks (the system function's changelog, the docs' Swagger UI) as files.
            code=lambda_.Code.from_asset(str(require_function(name)), exclude=ASSET_EXCLUDES),
            handler="app.lambda_handler",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            memory_size=MEMORY_MB,
            timeout=TIMEOUTS.get(name, DEFAULT_TIMEOUT),
            reserved_concurrent_executions=RESERVED_CONCURRENCY.get(name),
            layers=[self.common_layer, self.deps_layer],
            tracing=lambda_.Tracing.ACTIVE,
            log_group=log_group,
            environment={
                **environment,
                "POWERTOOLS_SERVICE_NAME": f"niochat-{name}",
                "POWERTOOLS_METRICS_NAMESPACE": "NioChat",
                "POWERTOOLS_LOG_LEVEL": "INFO",
                # Response bodies carry tokens and customers' data: never copied into trace metadata.
                "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
            },
        )
