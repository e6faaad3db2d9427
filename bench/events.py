"""API Gateway REST v1 proxy events and a Lambda context, as the handlers receive them on AWS."""

from __future__ import annotations

import json
from typing import Any


class LambdaContext:
    function_name = "niochat-bench"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:niochat-bench"
    aws_request_id = "bench-request"


def rest_event(
    method: str,
    path: str,
    body: Any = None,
    token: str | None = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    all_headers = {"Host": "localhost:8010", "X-Forwarded-Proto": "http", **(headers or {})}
    if token:
        all_headers["Authorization"] = f"Token {token}"
    if body is not None:
        all_headers["Content-Type"] = "application/json"
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "requestContext": {
            "stage": "bench",
            "path": path,
            "httpMethod": method,
            "requestId": "bench",
            "resourcePath": "/{proxy+}",
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }
