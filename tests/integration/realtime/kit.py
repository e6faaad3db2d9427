"""Realtime test kit on moto: the table's real stream records fed to the ws function, a fake management
API recording what is posted, and connections opened through `$connect`."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from infra.lambda_runtime import LambdaContext, StreamReader, load_function, websocket_event
from niochat.store import clients
from niochat.store import conversations as conversation_store
from niochat.store.table import table
from tests.support.customer_messages import customer_text, stored_ops


class Gone(Exception):
    """Stands in for the management API's GoneException (410)."""


class FakeManagementApi:
    """Records every post by connection id; ids in `gone` answer 410, ids in `broken` raise another error."""

    class exceptions:
        GoneException = Gone

    def __init__(self) -> None:
        self.posts: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.sizes: list[int] = []
        self.gone: set[str] = set()
        self.broken: set[str] = set()
        self.closed: list[str] = []

    def delete_connection(self, ConnectionId: str) -> None:
        if ConnectionId in self.gone:
            raise Gone(ConnectionId)
        self.closed.append(ConnectionId)

    def post_to_connection(self, ConnectionId: str, Data: bytes) -> None:
        if ConnectionId in self.gone:
            raise Gone(ConnectionId)
        if ConnectionId in self.broken:
            raise ConnectionError("connection reset")
        self.sizes.append(len(Data))
        self.posts[ConnectionId].append(json.loads(Data))

    def received(self, connection_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        return [e for e in self.posts[connection_id] if kind is None or e["type"] == kind]

    def clear(self) -> None:
        self.posts.clear()
        self.sizes.clear()
        self.closed.clear()


class StreamTap(StreamReader):
    """Reads the table's stream from where it was when created, and feeds it to the stream function."""

    def __init__(self) -> None:
        super().__init__()
        # provedor tag → the last seq before the test's own changes (set by the `live` fixture)
        self.start: dict[str, int] = {}

    def deliver(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        return load_function("stream").lambda_handler({"Records": records}, LambdaContext())

    def drain(self) -> list[dict[str, Any]]:
        """Deliver everything written since the last read (and what that writes) until the stream is quiet;
        the batches' responses."""
        responses = []
        while records := self.read():
            responses.append(self.deliver(records))
        return responses


def install_fake_api(monkeypatch: Any) -> FakeManagementApi:
    fake = FakeManagementApi()
    monkeypatch.setattr(clients, "management_api", lambda endpoint: fake)
    return fake


def connect(connection_id: str, token: str) -> dict[str, Any]:
    response = load_function("ws").lambda_handler(websocket_event("$connect", connection_id, token), LambdaContext())
    assert response["statusCode"] == 200, response
    return response


def disconnect(connection_id: str) -> None:
    load_function("ws").lambda_handler(websocket_event("$disconnect", connection_id), LambdaContext())


def customer_message(world: dict, conversation_id: int, content: str = "Oi, minha internet caiu") -> dict:
    """A customer's message stored as the inbound path stores it (message + conversation update)."""
    conversation = conversation_store.conversations.get(world["pid"], conversation_id, consistent=True)
    message = customer_text(world["pid"], conversation, content, external_id="ext-1")
    table().transact(stored_ops(world["pid"], message))
    return dict(message)


def assign(api, token: str, conversation_id: int, user_id: int):
    response = api.post(f"/api/conversations/{conversation_id}/assign/", {"user_id": user_id}, token=token)
    assert response.status == 200, response.json
    return response


def to_team(world: dict, conversation: dict) -> None:
    """Transfer the conversation to the world's team (pending, unassigned)."""
    from niochat.conversations import service
    from niochat.domain.conversations import Action
    from tests.integration import conversation_world as cw

    service.act(cw.ROOT, world["pid"], conversation["id"], Action.TRANSFER_TO_TEAM, team_id=world["team"]["id"])


def types(events: list[dict]) -> list[str]:
    return sorted(e["type"] for e in events)
