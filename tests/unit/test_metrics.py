"""niochat.metrics: counters summed per invocation and published as CloudWatch EMF lines (captured from stdout),
one line per set of dimensions; the fan-out's counts; flushing at the end of every handler."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from niochat import metrics
from niochat.realtime import fanout
from niochat.store import clients
from niochat.tracing import LazyTracer
from tests.support.emf import emf_documents


@pytest.fixture(autouse=True)
def clean() -> Iterator[None]:
    metrics.reset()
    yield
    metrics.reset()


def emitted(captured: str) -> list[dict[str, Any]]:
    """Each EMF line printed: {"namespace", "dimensions" (the set, service included), "values" by name (EMF's list of
    values: one, the invocation's sum), "units"}."""
    found = []
    for document, directive in emf_documents(captured):
        (dimension_names,) = directive["Dimensions"]
        names = [m["Name"] for m in directive["Metrics"]]
        found.append(
            {
                "namespace": directive["Namespace"],
                "dimensions": {name: document[name] for name in dimension_names},
                "values": {name: document[name] for name in names},
                "units": {m["Name"]: m["Unit"] for m in directive["Metrics"]},
            }
        )
    return found


def test_counts_are_summed_and_published_once_per_set_of_dimensions(capsys: pytest.CaptureFixture[str]) -> None:
    metrics.count(metrics.WEBHOOK_DELIVERIES, outcome="stored")
    metrics.count(metrics.WEBHOOK_DELIVERIES, outcome="stored")
    metrics.count(metrics.WEBHOOK_DELIVERIES, outcome="refused")
    metrics.count(metrics.MEDIA_DOWNLOAD_FAILURES, outcome="pending")
    metrics.count(metrics.PROVIDER_SEND_FAILURES)
    metrics.count(metrics.FANOUT_POSTS, 3)
    assert capsys.readouterr().out == ""  # nothing is published before the flush

    metrics.flush()

    lines = emitted(capsys.readouterr().out)
    by_dimensions = {tuple(sorted(line["dimensions"].items())): line for line in lines}
    assert len(lines) == len(by_dimensions) == 4
    service = ("service", "niochat-test")  # POWERTOOLS_SERVICE_NAME (tests/conftest.py)
    stored = by_dimensions[(("outcome", "stored"), service)]
    assert stored["values"] == {"WebhookDeliveries": [2.0]} and stored["units"] == {"WebhookDeliveries": "Count"}
    refused = by_dimensions[(("outcome", "refused"), service)]
    assert refused["values"] == {"WebhookDeliveries": [1.0]}
    pending = by_dimensions[(("outcome", "pending"), service)]
    assert pending["values"] == {"MediaDownloadFailures": [1.0]}
    plain = by_dimensions[(service,)]
    assert plain["values"] == {"ProviderSendFailures": [1.0], "FanoutPosts": [3.0]}
    assert {line["namespace"] for line in lines} == {"NioChatTest"}  # POWERTOOLS_METRICS_NAMESPACE

    metrics.flush()  # flushed counts are forgotten
    assert emitted(capsys.readouterr().out) == []


def test_the_namespace_defaults_to_niochat(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.delenv("POWERTOOLS_METRICS_NAMESPACE")
    metrics.count(metrics.GONE_CONNECTIONS)
    metrics.flush()
    assert [line["namespace"] for line in emitted(capsys.readouterr().out)] == ["NioChat"]


def test_zero_counts_nothing_and_disabled_metrics_count_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    metrics.count(metrics.GONE_CONNECTIONS, 0)
    assert metrics.pending() == {}
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")  # the local stack's setting
    metrics.count(metrics.WEBHOOK_DELIVERIES, outcome="stored")
    assert metrics.pending() == {}
    metrics.flush()
    assert capsys.readouterr().out == ""


def test_a_metric_that_cannot_be_published_is_logged_and_the_others_still_are(
    capsys: pytest.CaptureFixture[str],
) -> None:
    metrics.count("", outcome="x")  # an empty name: Powertools refuses it
    metrics.count(metrics.TIMER_WORK_DONE, kind="csat_send")
    metrics.flush()  # does not raise
    lines = emitted(capsys.readouterr().out)
    assert [line["values"] for line in lines] == [{"TimerWorkDone": [1.0]}]
    assert lines[0]["dimensions"]["kind"] == "csat_send"


def test_every_handler_flushes_its_invocations_counts_even_when_it_raises(capsys: pytest.CaptureFixture) -> None:
    tracer = LazyTracer()

    @tracer.capture_lambda_handler
    def handler(event: dict[str, Any], context: Any) -> None:
        metrics.count(metrics.WEBHOOK_DELIVERIES, outcome=event["outcome"])
        if event.get("fail"):
            raise RuntimeError("boom")

    handler({"outcome": "stored"}, None)
    assert [line["dimensions"]["outcome"] for line in emitted(capsys.readouterr().out)] == ["stored"]
    with pytest.raises(RuntimeError):
        handler({"outcome": "duplicate", "fail": True}, None)
    assert [line["dimensions"]["outcome"] for line in emitted(capsys.readouterr().out)] == ["duplicate"]
    assert metrics.pending() == {}


def test_the_fanout_counts_posts_gone_connections_and_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    client = boto3.client("apigatewaymanagementapi", endpoint_url="https://ws.example.test/prod")
    monkeypatch.setattr(clients, "management_api", lambda endpoint: client)
    monkeypatch.setattr(fanout.connections, "delete_if_connected_before", lambda connection_id, cutoff: True)
    with Stubber(client) as stubber:
        stubber.add_response("post_to_connection", {})
        stubber.add_client_error("post_to_connection", service_error_code="GoneException", http_status_code=410)
        stubber.add_response("post_to_connection", {})
        stubber.add_client_error("post_to_connection", service_error_code="ForbiddenException", http_status_code=403)
        fanout.post([("A", b"{}"), ("B", b"{}"), ("C", b"{}"), ("D", b"{}")])
    assert metrics.pending() == {(): {"FanoutPosts": 2, "GoneConnections": 1, "FanoutPostFailures": 1}}
