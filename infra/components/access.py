"""What each function may do to the table and the media bucket: one row per function of the route table, derived
from what its code calls (docs/deploy.md, "Permissions"). The stack grants exactly these; nothing has a default,
so a function added to infra/routes.py without a row here fails the synth.

Table levels:
- `none`: no table access (the docs function serves files shipped in its asset).
- `health`: GetItem of the `HEALTH` item only (the public health check's probe; the condition on the leading
  key keeps every tenant's item out of reach of the public `system` function).
- `read`: GetItem, BatchGetItem, Query (table and indexes) and ConditionCheckItem; plus UpdateItem and
  DeleteItem on session items only (`TOKEN#…` partition keys): authenticating a request slides the caller's
  token forward or deletes it once expired (niochat.auth.sessions.authenticate), and nothing else is written.
- `write`: `read`'s actions and PutItem, UpdateItem, DeleteItem on any item (transactions are authorized per
  item by these and ConditionCheckItem). `batch_write` adds BatchWriteItem (the purge of a deleted room's
  messages, niochat.store.chat.purge_messages, run by the timers).
No function may Scan (the design allows no Scan on a request path). The stream reads of the stream and AI
functions come with their event source mappings (infra/components/reactions.py), not from this table.

Secrets (`secrets`): the integrations' SSM SecureString parameters under /niochat/<table>/ (encrypted with the
account's aws/ssm key, niochat.store.secrets): `read` is GetParameter, `read_write` adds PutParameter and
DeleteParameter; only the functions that touch them have either.

Media actions are S3 actions on the media bucket's objects, except `s3:ListBucket`, which is on the bucket
itself (HeadBucket needs it): the public `system` function gets only that, so it can tell the bucket answers
but can read no tenant's file.

Moto does not check IAM, so a wrong row only shows on AWS: tests/integration/test_function_access.py drives the
read-only functions' routes and checks every AWS call they make against their row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from aws_cdk import Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from constructs import IConstruct

from infra import routes

TableAccess = Literal["none", "health", "read", "write"]
SecretAccess = Literal["none", "read", "read_write"]

READ_ACTIONS: tuple[str, ...] = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:ConditionCheckItem",
)
WRITE_ACTIONS: tuple[str, ...] = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")
BATCH_WRITE_ACTION = "dynamodb:BatchWriteItem"
# What authentication writes, and where (niochat.store.keys.token).
SESSION_ACTIONS: tuple[str, ...] = ("dynamodb:UpdateItem", "dynamodb:DeleteItem")
SESSION_KEYS = "TOKEN#*"
HEALTH_ACTIONS: tuple[str, ...] = ("dynamodb:GetItem",)
HEALTH_KEY = "HEALTH"  # niochat.system.health
BUCKET_ACTIONS = frozenset({"s3:ListBucket"})  # on the bucket; every other S3 action is on its objects
SECRET_ACTIONS: dict[SecretAccess, tuple[str, ...]] = {
    "none": (),
    "read": ("ssm:GetParameter",),
    "read_write": ("ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter"),
}


@dataclass(frozen=True)
class Access:
    table: TableAccess
    media: tuple[str, ...] = ()
    batch_write: bool = False
    secrets: SecretAccess = "none"
    # Why, from the code: what the function calls that needs this.
    why: str = ""

    @property
    def unconditional_table_actions(self) -> tuple[str, ...]:
        """The table actions granted on every item (and on the indexes, for Query)."""
        if self.table == "read":
            return READ_ACTIONS
        if self.table == "write":
            return READ_ACTIONS + WRITE_ACTIONS + ((BATCH_WRITE_ACTION,) if self.batch_write else ())
        return ()


_GET, _PUT, _DELETE = "s3:GetObject", "s3:PutObject", "s3:DeleteObject"

ACCESS: dict[str, Access] = {
    "system": Access(
        "health", ("s3:ListBucket",), why="health: GetItem HEALTH and HeadBucket; the changelog is a file"
    ),
    "docs": Access("none", why="the OpenAPI document and Swagger UI are files of its asset"),
    "audit": Access("read", why="lists audit entries (Query) and their counters (GetItem)"),
    "events": Access("read", why="reads the event log and its sequence (niochat.realtime.catchup)"),
    "media": Access(
        "write",
        (_GET, _PUT),
        why="finds the message (Query) and presigns a GET of its file; /api/uazapi/file/ fetches a pending file "
        "on demand (PutObject, the message's UpdateItem)",
    ),
    "auth": Access("write", why="login writes the token, the login budgets and last_login; logout deletes"),
    "contacts": Access("write", why="contacts CRUD with counters and phone index items"),
    "inboxes": Access("write", why="inboxes CRUD, webhook secret and provider token pointers"),
    "teams": Access("write", why="teams and members CRUD"),
    "conversations": Access("write", why="create, update and the actions (assign, transfer, close, ...)"),
    "directory": Access("write", why="provedores and users CRUD, passwords, sessions refreshed or ended"),
    "messages": Access(
        "write",
        (_GET, _PUT),
        why="sends store messages and their files (PutObject); a retry reads the stored file (GetObject)",
    ),
    "csat": Access("write", why="settings, the webhook secret, answers from the CSAT webhook"),
    "reports": Access("write", why="reads the aggregates; PATCH /api/dashboard/settings/ writes the calendar"),
    "chat": Access(
        "write",
        (_GET, _PUT, _DELETE),
        why="rooms, participants, messages; files uploaded, linked (presigned GET) and deleted with their message",
    ),
    "integrations": Access(
        "write", secrets="read_write", why="AI, SGP and channel settings (their secrets: SSM parameters), audited"
    ),
    "recovery": Access("write", why="recovery settings; the statistics read counters and two Queries"),
    routes.ASSISTANT_FUNCTION: Access(
        "write", secrets="read", why="stores and sends the assistant's answers, hands off; reads the model's key"
    ),
    routes.WEBHOOK_FUNCTION: Access(
        "write", (_PUT,), why="stores deliveries (contacts, conversations, messages) and the media it fetches"
    ),
    routes.WEBSOCKET_FUNCTION: Access("write", why="$connect writes the connection item, $disconnect deletes it"),
    routes.STREAM_FUNCTION: Access(
        "write", why="listeners: event log, aggregates, CSAT requests, team rooms, gone connections deleted"
    ),
    routes.TIMERS_FUNCTION: Access(
        "write",
        (_GET, _PUT, _DELETE),
        batch_write=True,
        secrets="read",
        why="claims and deletes timers and expired items; media retries (PutObject), CSAT resends of a stored "
        "message (GetObject), the purge of a deleted room's messages (BatchWriteItem) and files (DeleteObject); "
        "a recovery attempt with use_ai asks the provedor's model (its key)",
    ),
}


def of(name: str) -> Access:
    """The row of function `name` (a function without one is a synth error, never a default)."""
    if name not in ACCESS:
        raise KeyError(f"infra/components/access.py has no row for the function {name!r}: say what it may do")
    return ACCESS[name]


def grant(function: lambda_.IFunction, access: Access, table: dynamodb.ITable, bucket: s3.IBucket) -> None:
    """Add `access`'s statements to the function's role."""
    unconditional = access.unconditional_table_actions
    if unconditional:
        resources = [table.table_arn, f"{table.table_arn}/index/*"]
        function.add_to_role_policy(iam.PolicyStatement(actions=list(unconditional), resources=resources))
    if access.table == "read":
        function.add_to_role_policy(_on_keys(SESSION_ACTIONS, table, "StringLike", SESSION_KEYS))
    elif access.table == "health":
        function.add_to_role_policy(_on_keys(HEALTH_ACTIONS, table, "StringEquals", HEALTH_KEY))
    on_bucket = sorted(a for a in access.media if a in BUCKET_ACTIONS)
    on_objects = sorted(a for a in access.media if a not in BUCKET_ACTIONS)
    if on_bucket:
        function.add_to_role_policy(iam.PolicyStatement(actions=on_bucket, resources=[bucket.bucket_arn]))
    if on_objects:
        function.add_to_role_policy(iam.PolicyStatement(actions=on_objects, resources=[bucket.arn_for_objects("*")]))
    if access.secrets != "none":
        function.add_to_role_policy(
            iam.PolicyStatement(
                actions=list(SECRET_ACTIONS[access.secrets]), resources=[secrets_arn(function, table.table_name)]
            )
        )


def secrets_arn(scope: IConstruct, table_name: str) -> str:
    """The ARN pattern of every parameter of niochat.store.secrets (its default prefix: /niochat/<table>)."""
    return Stack.of(scope).format_arn(service="ssm", resource="parameter", resource_name=f"niochat/{table_name}/*")


def _on_keys(actions: tuple[str, ...], table: dynamodb.ITable, operator: str, pattern: str) -> iam.PolicyStatement:
    """`actions` on the base table's items whose partition key matches `pattern` only."""
    return iam.PolicyStatement(
        actions=list(actions),
        resources=[table.table_arn],
        conditions={f"ForAllValues:{operator}": {"dynamodb:LeadingKeys": [pattern]}},
    )
