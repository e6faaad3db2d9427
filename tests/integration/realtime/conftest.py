"""Fixtures of the realtime tests: provedores A and B (tests/integration/conversation_world.py), everyone
connected, the stream tapped and a fake management API."""

from __future__ import annotations

import pytest

from niochat.realtime import log as realtime_log
from niochat.settings import get_settings
from niochat.store import events as events_store
from tests.integration import conversation_world as cw
from tests.integration.conftest import login
from tests.integration.realtime.kit import StreamTap, connect, install_fake_api
from tests.support import moto_tables

PEOPLE = ("admin", "agent1", "agent2", "agent3")


@pytest.fixture
def world(aws, monkeypatch):
    realtime_log.event_log().forget()
    a, b = moto_tables.built_once("realtime: provedores a and b", get_settings().table_name,
                                  lambda: (cw.build("a"), cw.build("b")))  # fmt: skip
    return {"a": a, "b": b, "api": install_fake_api(monkeypatch)}


@pytest.fixture
def tokens(api, world):
    return {
        f"{name}_{tag}": login(api, user["username"], cw.PASSWORD)
        for tag in ("a", "b")
        for name, user in world[tag]["people"].items()
    }


@pytest.fixture
def live(world, tokens):
    """Every person of A and B connected (connection id = their name, e.g. `agent1_a`), the stream tapped
    after the connections' own changes were processed, and those posts forgotten."""
    tap = StreamTap()
    for name, token in tokens.items():
        connect(name, token)
    tap.drain()
    world["api"].clear()
    tap.start = {tag: events_store.read_sequence(world[tag]["pid"]) for tag in ("a", "b")}
    return tap
