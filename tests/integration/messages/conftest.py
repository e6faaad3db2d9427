"""Fixtures of the messages tests: the messages world (tests/integration/messages_world.py) with its inbox
wired to a fake provider that answers quickly, and a token for each of its people."""

from __future__ import annotations

import pytest

from tests.integration import conversation_world as cw
from tests.integration import messages_world as mw
from tests.integration.conftest import login
from tests.support.fake_provider import FakeProvider
from tests.support.provider_settings import quick_timeouts


@pytest.fixture
def fake(monkeypatch):
    quick_timeouts(monkeypatch)
    with FakeProvider() as server:
        yield server


@pytest.fixture
def world(aws, fake):
    return mw.build(fake.url)


@pytest.fixture
def tokens(api, world):
    return {name: login(api, user["username"], cw.PASSWORD) for name, user in world["people"].items()}
