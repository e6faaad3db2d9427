"""The data: the single DynamoDB table (shape from niochat.store.schema) and the private media bucket."""

from __future__ import annotations

from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from constructs import Construct

from niochat.store import schema

_STRING = dynamodb.AttributeType.STRING


def private_bucket(scope: Construct, construct_id: str, **options: Any) -> s3.Bucket:
    """A bucket reached only through the stack's grants: public access blocked, S3-managed encryption, TLS only,
    no ACLs (the bucket owns every object), and retained when the stack is deleted (CloudFormation cannot delete
    a bucket with objects in it). `options`: more of s3.Bucket's."""
    return s3.Bucket(
        scope,
        construct_id,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        removal_policy=RemovalPolicy.RETAIN,
        **options,
    )


class Storage(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=dynamodb.Attribute(name="PK", type=_STRING),
            sort_key=dynamodb.Attribute(name="SK", type=_STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            stream=dynamodb.StreamViewType(schema.STREAM_VIEW),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            removal_policy=RemovalPolicy.RETAIN,
        )
        for index, (partition_key, sort_key) in schema.GSIS.items():
            self.table.add_global_secondary_index(
                index_name=index,
                partition_key=dynamodb.Attribute(name=partition_key, type=_STRING),
                sort_key=dynamodb.Attribute(name=sort_key, type=_STRING),
                projection_type=dynamodb.ProjectionType.ALL,
            )

        self.media_bucket = private_bucket(
            self,
            "MediaBucket",
            # The console fetches a message's file with its token and follows the API's redirect to a presigned
            # GET here, from its own origin: the browser reads the answer only with CORS. Any origin, GET and HEAD
            # only, no credentials: a presigned link is the access (whoever holds it can read the file anyway),
            # and naming the console's domain here would be a cycle (its CSP names this bucket's hosts).
            cors=[
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.GET, s3.HttpMethods.HEAD],
                    allowed_origins=["*"],
                    max_age=3600,
                )
            ],
        )
