"""Shared test set-up: environment for every test, and the two fake providers of the egress tests (unit and
integration): `inside` on 127.0.0.1 plays an internal service, `outside` a public host."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.support.fake_provider import FakeProvider

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


@pytest.fixture
def inside() -> Iterator[FakeProvider]:
    """A fake provider on 127.0.0.1: an internal service, never to be reached unless loopback is allowed."""
    from tests.support.fake_provider import FakeProvider

    with FakeProvider() as server:
        yield server


@pytest.fixture
def outside(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProvider]:
    """A fake provider on OUTSIDE (127.0.0.2), which the egress guard takes for a public host."""
    from tests.support.fake_provider import FakeProvider
    from tests.support.provider_settings import OUTSIDE, pretend_public

    pretend_public(monkeypatch)
    with FakeProvider(OUTSIDE) as server:
        yield server
