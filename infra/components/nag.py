"""cdk-nag (AwsSolutions) findings that are deliberate choices, each acknowledged where it arises, with why.

cdk-nag 3 reads CDK's own acknowledgments (`Validations.of(scope).acknowledge`); an acknowledgment covers the
scope and everything under it, and each finding (e.g. one IAM5 resource) must be named exactly.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, CfnResource, DefaultStackSynthesizer, Stack, Token, Validations
from aws_cdk import aws_sqs as sqs
from constructs import IConstruct

from infra import routes
from infra.components import access
from infra.components.api_logging import ApiGatewayLogging
from infra.components.console import Console
from infra.components.functions import Functions
from infra.components.rest_api import RestApi
from infra.components.storage import Storage
from infra.components.websocket import WebSocket

_MANAGED = "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"


def _ack(scope: IConstruct, reasons: dict[str, str]) -> None:
    Validations.of(scope).acknowledge(
        *(Acknowledgment(id=f"AwsSolutions::AwsSolutions-{rule}", reason=why) for rule, why in reasons.items())
    )


def _ref(construct: IConstruct) -> str:
    """How cdk-nag names a resource inside a finding: <LogicalId>."""
    resource = construct.node.default_child
    assert isinstance(resource, CfnResource)
    return Stack.of(construct).get_logical_id(resource)


def _pseudo(value: str, name: str) -> str:
    return f"<AWS::{name}>" if Token.is_unresolved(value) else value


def acknowledge_findings(
    *,
    storage: Storage,
    logging: ApiGatewayLogging,
    functions: Functions,
    rest: RestApi,
    websocket: WebSocket,
    console: Console,
    stream_failures: sqs.IQueue,
    assistant_failures: sqs.IQueue,
) -> None:
    stack = Stack.of(storage)
    table, bucket = f"<{_ref(storage.table)}.Arn>", f"<{_ref(storage.media_bucket)}.Arn>"

    _ack(
        storage.media_bucket,
        {
            "S1": "Only the functions read and write media (their logs and X-Ray traces record each access); "
            "server access logs would need a second bucket for no extra audit value.",
        },
    )
    _ack(
        logging.role,
        {
            f"IAM4[{_MANAGED}AmazonAPIGatewayPushToCloudWatchLogs]": "AWS's own policy for the API Gateway "
            "logging role: exactly the CloudWatch Logs actions the service needs.",
        },
    )

    token_auth = (
        "Authentication is the API's own token (Authorization: Token ...), checked by the function on every "
        "request as the seed API specifies; health, changelog and login must stay reachable without it."
    )
    _ack(
        rest.api,
        {
            "APIG2": "Requests are validated in the functions (pydantic models) so errors keep the API's "
            "{error, message, details} format.",
            "APIG4": token_auth,
            "COG4": token_auth,
        },
    )
    _ack(
        websocket.api,
        {
            "APIG4": "$connect authenticates the ?token= query parameter in the ws function; other routes only "
            "exist on an accepted connection."
        },
    )

    for name, function in functions.by_name.items():
        reasons = {
            f"IAM4[{_MANAGED}AWSLambdaBasicExecutionRole]": "AWS's minimal Lambda policy: only "
            "CreateLogGroup/CreateLogStream/PutLogEvents.",
            "IAM5[Resource::*]": "X-Ray PutTraceSegments/PutTelemetryRecords (tracing) and DynamoDB ListStreams "
            "(stream mapping) support no resource-level permissions.",
            f"IAM5[Resource::{table}/index/*]": "Queries on the table's own GSIs (niochat.store.schema.GSIS).",
            "L1": "python3.12 on purpose: the dependency layer is built for cp312 wheels (make layer).",
        }
        if any(action not in access.BUCKET_ACTIONS for action in access.of(name).media):
            reasons[f"IAM5[Resource::{bucket}/*]"] = (
                "Objects of the media bucket only, with the exact object actions the function uses "
                "(infra/components/access.py); keys are per tenant and per message."
            )
        if access.of(name).secrets != "none":
            partition = _pseudo(stack.partition, "Partition")
            region, account = _pseudo(stack.region, "Region"), _pseudo(stack.account, "AccountId")
            parameters = f"arn:{partition}:ssm:{region}:{account}:parameter/niochat/<{_ref(storage.table)}>/*"
            reasons[f"IAM5[Resource::{parameters}]"] = (
                "The integrations' secrets are one parameter per provedor, created at run time under this "
                "table's prefix (niochat.store.secrets)."
            )
        if name == routes.STREAM_FUNCTION:
            partition = _pseudo(stack.partition, "Partition")
            region, account = _pseudo(stack.region, "Region"), _pseudo(stack.account, "AccountId")
            connections = (
                f"arn:{partition}:execute-api:{region}:{account}:<{_ref(websocket.api)}>/"
                f"{websocket.stage.stage_name}/*/@connections/*"
            )
            reasons[f"IAM5[Resource::{connections}]"] = (
                "Connection ids exist only at run time; scoped to this API's prod stage @connections."
            )
        _ack(function, reasons)

    _acknowledge_console(console)

    for queue in (stream_failures, assistant_failures):
        _ack(queue, {"SQS3": "This queue is itself the dead-letter destination of a table stream mapping."})


def _acknowledge_console(console: Console) -> None:
    stack = Stack.of(console)
    _ack(
        console.bucket,
        {
            "S1": "Only CloudFront (origin access control) reads the bucket and only the deployment writes it: "
            "the files are the public build of console/, with no user data; server access logs would need a "
            "second bucket to record CloudFront's cache misses.",
        },
    )
    _ack(
        console.distribution,
        {
            "CFR1": "Agents and admins work from wherever they are (travel, remote support); the console is "
            "static files, and the API they call authenticates every request.",
            "CFR2": "The distribution serves only the console's static build (no data, no login, nothing "
            "dynamic); the data is behind the REST API, which has its own web ACL (infra/components/waf.py). "
            "A CLOUDFRONT-scope web ACL would be a second one, in us-east-1, for files that are public anyway.",
            "CFR3": "The requests are for the same public static files; CloudFront's default metrics count them "
            "and errors. Standard logs need an ACL-enabled log bucket; what users do is logged by the API "
            "(access logs and function logs).",
            "CFR4": "No custom domain yet: the default *.cloudfront.net certificate, whose security policy "
            "CloudFront fixes at TLSv1 (current browsers negotiate TLS 1.2 or 1.3). A custom domain with an ACM "
            "certificate would allow TLSv1.2_2021 (docs/deploy.md, Console).",
        },
    )
    # The deployment's handler: one function per stack that aws-cdk-lib makes for every BucketDeployment (a
    # child of the stack, not of the construct), with its role and policy.
    handler = console.deployment.handler_role.node.scope
    assert handler is not None
    qualifier = DefaultStackSynthesizer.DEFAULT_QUALIFIER
    assets = (
        DefaultStackSynthesizer.DEFAULT_FILE_ASSETS_BUCKET_NAME.replace("${Qualifier}", qualifier)
        .replace("${AWS::AccountId}", _pseudo(stack.account, "AccountId"))
        .replace("${AWS::Region}", _pseudo(stack.region, "Region"))
    )
    copy = (
        "aws-cdk-lib's BucketDeployment policy: it syncs the build's zip from the CDK assets bucket into the "
        "console bucket (get, list, put, delete, abort multipart uploads), on those two buckets only."
    )
    _ack(
        handler,
        {
            f"IAM4[{_MANAGED}AWSLambdaBasicExecutionRole]": "AWS's minimal Lambda policy: only "
            "CreateLogGroup/CreateLogStream/PutLogEvents.",
            "IAM5[Action::s3:GetObject*]": copy,
            "IAM5[Action::s3:GetBucket*]": copy,
            "IAM5[Action::s3:List*]": copy,
            "IAM5[Action::s3:DeleteObject*]": copy,
            "IAM5[Action::s3:Abort*]": copy,
            f"IAM5[Resource::arn:<AWS::Partition>:s3:::{assets}/*]": "The CDK bootstrap's assets bucket, "
            "where the build's zip was uploaded under its content hash.",
            f"IAM5[Resource::<{_ref(console.bucket)}.Arn>/*]": "Every object of the console bucket: the "
            "deployment writes the whole build and config.json.",
            "IAM5[Resource::*]": "cloudfront:CreateInvalidation/GetInvalidation, which aws-cdk-lib grants on * "
            "to the handler it shares between a stack's deployments: cache purges only, they neither change a "
            "distribution nor read any data.",
            "L1": "The runtime of aws-cdk-lib's own deployment handler, chosen by the CDK version (python3.13 in "
            "2.275); it runs at deploy time only and moves forward with CDK upgrades.",
        },
    )
