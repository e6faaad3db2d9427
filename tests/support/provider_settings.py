"""The environment of tests that call a provider (the fake one on loopback, tests/support/fake_provider.py):
timeouts short enough that a failure is seen at once, the egress guard's loopback allowance, and a loopback
address the guard takes for a public host (OUTSIDE, `pretend_public`)."""

from __future__ import annotations

import pytest

from niochat.channels import egress
from niochat.settings import get_settings

OUTSIDE = "127.0.0.2"  # plays a public address (a fake provider listens there: FakeProvider(OUTSIDE))


def quick_timeouts(monkeypatch: pytest.MonkeyPatch, deadline: float = 5) -> None:
    """0.5 s to connect and for each attempt, ~10 ms between retries, `deadline` seconds for the whole call
    (read by niochat.channels.http when a client is made)."""
    monkeypatch.setenv("PROVIDER_CONNECT_TIMEOUT_SECONDS", "0.5")
    monkeypatch.setenv("PROVIDER_TIMEOUT_SECONDS", "0.5")
    monkeypatch.setenv("PROVIDER_DEADLINE_SECONDS", str(deadline))
    monkeypatch.setenv("PROVIDER_RETRY_BASE_SECONDS", "0.01")


def allow_loopback(monkeypatch: pytest.MonkeyPatch, allowed: bool = True) -> None:
    """PROVIDER_ALLOW_LOOPBACK on (the fake provider listens on 127.0.0.1) or unset (off, as on AWS), and the
    settings read again."""
    if allowed:
        monkeypatch.setenv("PROVIDER_ALLOW_LOOPBACK", "1")
    else:
        monkeypatch.delenv("PROVIDER_ALLOW_LOOPBACK", raising=False)
    get_settings.cache_clear()


def pretend_public(monkeypatch: pytest.MonkeyPatch, address: str = OUTSIDE) -> None:
    """The egress guard takes `address` for a public one (as a provider on the internet would be)."""
    original = egress.refusal
    monkeypatch.setattr(egress, "refusal", lambda a, allowed: None if str(a) == address else original(a, allowed))
