"""The environment a deployed function sees (as far as the benchmarks need it)."""

from __future__ import annotations

import os

from infra.components.runtime import RUNTIME_ENV

LAMBDA_ENV: dict[str, str] = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "TABLE_NAME": "niochat-bench",
    "MEDIA_BUCKET": "niochat-media-bench",
    "WEBSOCKET_API_ENDPOINT": "https://ws.example.test/prod",
    "PASSWORD_HASH_COST": "10",
    "POWERTOOLS_TRACE_DISABLED": "true",
    # The business metrics' EMF lines would land in the printed tables (niochat.metrics: counting is then a no-op).
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_METRICS_NAMESPACE": "NioChatBench",
    "POWERTOOLS_SERVICE_NAME": "niochat-bench",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    **RUNTIME_ENV,
}
# Never talk to a real endpoint or profile from a benchmark. A bytecode prefix (the Makefile's) would hide the
# artifacts' own .pyc, beside their sources as on Lambda.
UNSET = ("AWS_ENDPOINT_URL", "AWS_PROFILE", "PYTHONPYCACHEPREFIX")


def lambda_env(function: str | None = None) -> dict[str, str]:
    """A copy of os.environ with the function environment applied (for a child process)."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(LAMBDA_ENV)
    if function:
        env["AWS_LAMBDA_FUNCTION_NAME"] = f"niochat-{function}"
    return env


def apply() -> None:
    """Apply the function environment to this process (before niochat reads its settings)."""
    for name in UNSET:
        os.environ.pop(name, None)
    os.environ.update(LAMBDA_ENV)
