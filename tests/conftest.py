"""Shared test set-up: environment for every test, and an in-process moto AWS for integration tests."""

from __future__ import annotations

import os

# Set before any niochat module reads settings.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "TABLE_NAME": "niochat-test",
        "MEDIA_BUCKET": "niochat-media-test",
        "WEBSOCKET_API_ENDPOINT": "https://ws.example.test/prod",
        "PASSWORD_HASH_COST": "10",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "NioChatTest",
        "POWERTOOLS_SERVICE_NAME": "niochat-test",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)
