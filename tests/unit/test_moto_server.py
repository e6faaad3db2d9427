"""infra.moto_patches.server: the embedded moto server's dispatcher finds each host's backend once."""

from __future__ import annotations

import pytest
from moto import backends
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from infra import moto_patches

HOSTS = {
    "dynamodb.us-east-1.amazonaws.com": "dynamodb",
    "streams.dynamodb.us-east-1.amazonaws.com": "dynamodbstreams",
    "s3.amazonaws.com": "s3",
    "s3.us-east-1.amazonaws.com": "s3",
    "ssm.us-east-1.amazonaws.com": "ssm",
    "execute-api.us-east-1.amazonaws.com": "apigatewaymanagementapi",
    "moto_api": "moto_api",
    "nada.example": None,
}


def test_each_host_gets_its_backend_and_is_looked_up_once(monkeypatch: pytest.MonkeyPatch) -> None:
    moto_patches.install()
    lookups: list[str] = []
    listing = backends.list_of_moto_modules
    monkeypatch.setattr(backends, "list_of_moto_modules", lambda: lookups.append("listed") or listing())
    dispatcher = DomainDispatcherApplication(create_backend_app)
    first = {host: dispatcher.get_backend_for_host(host) for host in HOSTS}
    again = {host: dispatcher.get_backend_for_host(host) for host in HOSTS}
    assert first == again == HOSTS
    assert len(lookups) == len(HOSTS) - 1  # moto_api is answered before the listing
    assert dispatcher.get_backend_for_host(None) is None


def test_a_flood_of_unknown_names_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    moto_patches.install()
    dispatcher = DomainDispatcherApplication(create_backend_app)
    for n in range(moto_patches.server.KNOWN_HOSTS + 100):
        assert dispatcher.get_backend_for_host(f"host-{n}.example") is None
    assert len(dispatcher.__dict__["_backend_by_host"]) == moto_patches.server.KNOWN_HOSTS
    assert dispatcher.get_backend_for_host("dynamodb.us-east-1.amazonaws.com") == "dynamodb"
