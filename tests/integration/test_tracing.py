"""Traces under Lambda active tracing, with the real X-Ray SDK sending to a fake daemon on loopback: the SDK is
imported by the first invocation (not the import), which still records the handler and its AWS calls."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

# In a fresh interpreter: moto in-process, the system function imported, then GET /api/health/ invoked once.
CHILD = """
import json, sys
import boto3
from moto import mock_aws
from niochat.settings import get_settings
from niochat.store import schema
from tests.integration.conftest import LambdaContext, load_function, rest_event

def xray_imported():
    return "aws_xray_sdk" in sys.modules

with mock_aws():
    settings = get_settings()
    schema.create_table(boto3.client("dynamodb"), settings.table_name)
    boto3.client("s3").create_bucket(Bucket=settings.media_bucket)
    system = load_function("system")
    at_import = xray_imported()
    response = system.lambda_handler(rest_event("GET", "/api/health/"), LambdaContext())
    print(json.dumps({"at_import": at_import, "after_invocation": xray_imported(), "status": response["statusCode"]}))
"""


def _entities(entity: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield entity
    for child in entity.get("subsegments", []):
        yield from _entities(child)


def _received(daemon: socket.socket) -> list[dict[str, Any]]:
    """Every segment document the fake daemon got (each datagram: a JSON header line, then the document)."""
    found: list[dict[str, Any]] = []
    daemon.settimeout(0.5)
    while True:
        try:
            datagram = daemon.recv(65536)
        except TimeoutError:
            return found
        _, document = datagram.decode().split("\n", 1)
        found += _entities(json.loads(document))


def test_first_invocation_traces_the_handler_and_its_aws_calls() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as daemon:
        daemon.bind(("127.0.0.1", 0))
        host, port = daemon.getsockname()
        env = {k: v for k, v in os.environ.items() if k != "POWERTOOLS_TRACE_DISABLED"}
        env.update(
            {
                "LAMBDA_TASK_ROOT": str(ROOT / "functions" / "system"),
                "AWS_LAMBDA_FUNCTION_NAME": "niochat-system",
                "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
                "AWS_XRAY_DAEMON_ADDRESS": f"{host}:{port}",
                "POWERTOOLS_SERVICE_NAME": "niochat-system",
                "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
            }
        )
        done = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        entities = _received(daemon)

    outcome = json.loads(done.stdout.splitlines()[-1])
    assert outcome == {"at_import": False, "after_invocation": True, "status": 200}
    [handler] = [e for e in entities if e["name"] == "## lambda_handler"]
    assert handler["annotations"] == {"ColdStart": True, "Service": "niochat-system"}
    assert "metadata" not in handler  # POWERTOOLS_TRACER_CAPTURE_RESPONSE=false: no response body in traces
    aws_calls = {(e["name"], e["aws"]["operation"]) for e in entities if e.get("namespace") == "aws"}
    assert aws_calls == {("dynamodb", "GetItem"), ("s3", "HeadBucket")}
