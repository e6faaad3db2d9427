"""The Lambda functions: one per folder named in infra/routes.py, all on the two shared layers."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra import routes
from infra.components import access
from infra.components.logs import LogGroups
from infra.components.paths import ASSET_EXCLUDES, require_common_layer, require_deps_layer, require_function
from infra.components.runtime import RUNTIME_ENV

RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64
MEMORY_MB = 512
# Every function's handler: niochat.boot imports the function's own `app` module with garbage collection
# paused (its docstring says why), and hands Lambda that module's lambda_handler.
HANDLER = "niochat.boot.lambda_handler"
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
    # An answer may take AI_ANSWER_DEADLINE_SECONDS (45 s) of model and SGP calls, then still hand off.
    routes.ASSISTANT_FUNCTION: Duration.seconds(60),
}
# Reserved concurrency: each of these keeps its own share of the account's Lambda concurrency, so a flood on
# one (a provider's webhook storm, a burst of logins on the REST API) cannot starve the others, and caps it.
# One sweep at a time is the normal case for the timers (overlapping sweeps are safe, just wasted work); the
# stream needs one per shard (a table has a few).
RESERVED_CONCURRENCY: dict[str, int] = {
    routes.TIMERS_FUNCTION: 1,
    routes.STREAM_FUNCTION: 10,
    routes.WEBHOOK_FUNCTION: 20,
    # Model calls are slow: a burst of answers must not take the concurrency of the API.
    routes.ASSISTANT_FUNCTION: 10,
}


def function_construct_id(name: str) -> str:
    """The construct id of the function `name` of infra/routes.py (`user-sessions` → `UserSessions`)."""
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
        log_groups: LogGroups,
    ) -> None:
        super().__init__(scope, construct_id)
        self._log_groups = log_groups

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
            # The table and the bucket: only what the function's code uses (infra/components/access.py).
            access.grant(function, access.of(name), table, media_bucket)

    def _function(self, name: str, environment: Mapping[str, str]) -> lambda_.Function:
        construct_id = function_construct_id(name)
        # Its own log group, made here (kept a month, KMS-encrypted: infra/components/logs.py), not Lambda's default.
        log_group = self._log_groups.log_group(self, f"{construct_id}Logs")
        return lambda_.Function(
            self,
            construct_id,
            description=f"NioChat {name} (functions/{name})",
            # The build copied symlinks (the system function's changelog, the docs' Swagger UI) as files.
            code=lambda_.Code.from_asset(str(require_function(name)), exclude=ASSET_EXCLUDES),
            handler=HANDLER,
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
                # Response bodies carry tokens and customers' data: never copied into trace metadata. Nor are
                # exceptions: their messages can quote a customer's input (pydantic errors, a failed batch's
                # record errors); the stack trace goes to the encrypted log group (docs/deploy.md, Traces).
                "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
                "POWERTOOLS_TRACER_CAPTURE_ERROR": "false",
                **RUNTIME_ENV,
            },
        )
