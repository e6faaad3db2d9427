"""Posting to connections: the management API stubbed with botocore's Stubber (no sockets)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from botocore.stub import Stubber

from niochat.realtime import fanout
from niochat.store import clients

ENDPOINT = "https://ws.example.test/prod"


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Stubber, list[tuple[str, int]]]]:
    client = boto3.client("apigatewaymanagementapi", endpoint_url=ENDPOINT, region_name="us-east-1")
    monkeypatch.setattr(clients, "management_api", lambda endpoint: client)
    deleted: list[tuple[str, int]] = []

    def delete_if_connected_before(connection_id: str, cutoff: int) -> bool:
        deleted.append((connection_id, cutoff))
        return True

    monkeypatch.setattr(fanout.connections, "delete_if_connected_before", delete_if_connected_before)
    with Stubber(client) as stubber:
        yield stubber, deleted
        stubber.assert_no_pending_responses()


def expect_post(stubber: Stubber, connection_id: str, payload: bytes) -> None:
    stubber.add_response("post_to_connection", {}, {"ConnectionId": connection_id, "Data": payload})


def test_a_gone_connection_is_deleted_exactly_and_the_others_still_get_the_event(stubbed) -> None:
    stubber, deleted = stubbed
    payload = fanout.frame({"type": "chat_message", "id": "e1", "seq": 1, "data": {"conversation_id": 1}})
    expect_post(stubber, "A", payload)
    stubber.add_client_error(
        "post_to_connection", service_error_code="GoneException", http_status_code=410, expected_params=None
    )
    expect_post(stubber, "C", payload)

    result = fanout.post([("A", payload), ("B", payload), ("C", payload)])

    assert result.delivered == 2 and result.gone == ["B"] and result.failed == []
    assert [connection_id for connection_id, _ in deleted] == ["B"]


def test_a_gone_connection_opened_moments_ago_is_kept(stubbed, monkeypatch: pytest.MonkeyPatch) -> None:
    stubber, _ = stubbed
    monkeypatch.setattr(fanout.connections, "delete_if_connected_before", lambda connection_id, cutoff: False)
    stubber.add_client_error("post_to_connection", service_error_code="GoneException", http_status_code=410)
    result = fanout.post([("B", b"{}")])
    assert result.gone == [] and result.kept == ["B"]


def test_any_other_failure_is_logged_and_the_rest_are_posted(stubbed) -> None:
    stubber, deleted = stubbed
    stubber.add_client_error("post_to_connection", service_error_code="LimitExceededException", http_status_code=429)
    expect_post(stubber, "B", b"{}")
    result = fanout.post([("A", b"{}"), ("B", b"{}")])
    assert result.failed == ["A"] and result.delivered == 1 and deleted == []


def test_a_frame_stays_under_32_kb() -> None:
    small = {"type": "chat_message", "id": "e", "seq": 4, "data": {"conversation_id": 1, "message": {"id": 9}}}
    assert json.loads(fanout.frame(small)) == small
    big = {**small, "data": {"conversation_id": 1, "message": {"id": 9, "content": "é" * 20_000}}}
    frame = fanout.frame(big)
    assert len(frame) <= fanout.MAX_FRAME_BYTES
    assert json.loads(frame) == {
        "type": "chat_message",
        "id": "e",
        "seq": 4,
        "data": {"conversation_id": 1, "message_id": 9, "truncated": True, "url": "/api/messages/9/"},
    }
    audit = {"type": "audit_log", "id": "a", "seq": 12, "data": {"details": {"notes": "x" * 40_000}}}
    assert json.loads(fanout.frame(audit))["data"] == {"truncated": True, "url": "/api/events/?after=11&limit=1"}
