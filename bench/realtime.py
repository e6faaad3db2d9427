"""Realtime: DynamoDB calls per fan-out (in-process moto) and, on the local stack, the time from a webhook
POST (or a REST action) to the WebSocket event (bench/realtime_latency.py).

Fan-out: provedor A has an admin and an agent connected; other provedores have 1, then 50, connections.
One change in A (a customer message; an assignment) is written, its stream records are read from moto's
stream and handed to the stream function's lambda_handler as one batch, with every DynamoDB call counted. The
calls must not depend on the other provedores' connections.
"""

from __future__ import annotations

from typing import Any

from bench import bulk
from bench.harness import Harness, Measurement, load_function
from bench.report import render
from bench.seed import Tenant, seed_tenant
from infra.lambda_runtime import StreamReader

OTHER_CONNECTIONS = (1, 50)
OTHER_PROVEDORES = 5


class Posts:
    """A management API that counts posts (no sockets)."""

    class exceptions:
        GoneException = type("GoneException", (Exception,), {})

    def __init__(self) -> None:
        self.count = 0

    def post_to_connection(self, ConnectionId: str, Data: bytes) -> None:
        self.count += 1


class Stream(StreamReader):
    """The table's stream on in-process moto, read from LATEST, with the local stack's moto patches."""

    def __init__(self) -> None:
        from infra import moto_patches

        moto_patches.install()  # as on the local stack
        super().__init__()


class World:
    def __init__(self, h: Harness) -> None:
        from niochat.domain.users import Principal, UserType
        from niochat.store.inboxes import inboxes

        self.h = h
        self.tenant: Tenant = seed_tenant("Provedor Realtime", "rt")
        pid = self.tenant.id
        root = Principal(user_id=0, provedor_id=None, user_type=UserType.SUPERADMIN, username="root")
        self.root, self.inbox = root, bulk.inbox(pid, inboxes.new_id(pid))
        self.conversation: dict[str, Any] = {}
        self.others: list[int] = []
        self.other_connections = 0
        self.stream = Stream()
        ws, stream = load_function("ws"), load_function("stream")
        from infra.lambda_runtime import LambdaContext

        self.handle = lambda event: (stream if "Records" in event else ws).lambda_handler(event, LambdaContext())
        for user in (self.tenant.admin, self.tenant.agent):
            token = h.login(user)
            self.handle({"requestContext": {"routeKey": "$connect", "connectionId": f"a-{user.id}"},
                         "queryStringParameters": {"token": token}})  # fmt: skip

    def add_other_connections(self, total: int) -> None:
        """Connections of other provedores (users of those provedores), up to `total` in all."""
        from niochat import clock
        from niochat.directory.provedores import create_provedor
        from niochat.domain.connections import new_connection
        from niochat.domain.users import Principal, UserType
        from niochat.store import connections

        while len(self.others) < OTHER_PROVEDORES:
            self.others.append(create_provedor(f"Outro {len(self.others) + 1}")["id"])
        while self.other_connections < total:
            n = self.other_connections
            provedor = self.others[n % OTHER_PROVEDORES]
            admin = Principal(user_id=10_000 + n, provedor_id=provedor, user_type=UserType.ADMIN, username="")
            connections.put(new_connection(f"other-{n}", admin, [], int(clock.now()), 7200))
            self.other_connections += 1
        self.stream.read()  # those connections' own records are not part of what is measured

    def customer_message(self) -> None:
        from niochat import clock
        from niochat.domain.messages import new_message_id
        from niochat.store.table import table
        from tests.support.customer_messages import customer_text, stored_ops

        external_id = f"bench-{new_message_id(clock.now())}"
        message = customer_text(self.tenant.id, self.conversation, "Minha internet caiu", external_id)
        table().transact(stored_ops(self.tenant.id, message))

    def new_conversation(self) -> None:
        """A new contact's conversation (pending, nobody's), its own records handled unmeasured."""
        from niochat.contacts import service as contacts
        from niochat.contacts.models import ContactCreate
        from niochat.conversations import service as conversations

        pid = self.tenant.id
        phone = f"1199999{len(self.others) * 100 + self.other_connections:04d}"
        contact = contacts.create(self.root, pid, ContactCreate(name="Cliente", phone=phone, provedor=pid))
        self.conversation = conversations.create(pid, contact["id"], self.inbox["id"])
        self.measure(lambda: None)

    def assignment(self) -> None:
        from niochat.conversations import service
        from niochat.domain.conversations import Action
        from niochat.domain.users import Principal, UserType

        admin = Principal(self.tenant.admin.id, self.tenant.id, UserType.ADMIN, self.tenant.admin.username)
        service.act(admin, self.tenant.id, self.conversation["id"], Action.ASSIGN, user_id=self.tenant.agent.id)

    def measure(self, change: Any) -> tuple[Measurement, int, int]:
        """Make the change, then hand its stream records (filtered as the event source mapping does) to the
        stream function as one batch, counted."""
        from infra import stream_filter

        change()
        records = [record for record in self.stream.read() if stream_filter.matches(record)]
        posts = Posts()
        from unittest import mock

        from niochat.store import clients

        with mock.patch.object(clients, "management_api", lambda endpoint: posts), self.h.meter.recording() as m:
            response = self.handle({"Records": records})
        assert response == {"batchItemFailures": []}, response
        self.stream.read()  # what the batch wrote (the event log's records, today's aggregate): not measured
        return m, len(records), posts.count


def run() -> list[str]:
    from bench import realtime_latency

    rows = []
    with Harness() as h:
        world = World(h)
        changes = (("customer message", world.customer_message), ("assignment", world.assignment))
        world.new_conversation()
        for _, change in changes:
            world.measure(change)  # warm: the event sequence is known to this process
        for others in OTHER_CONNECTIONS:
            world.add_other_connections(others)
            world.new_conversation()  # each half: a new conversation, a customer message, its assignment
            for change_name, change in changes:
                m, records, posts = world.measure(change)
                rows.append([change_name, others, 2, records, m.calls_text(), m.items_read, posts])
    headers = ["change in A", "other provedores' connections", "A's connections", "records", "DynamoDB calls",
               "items read", "posts"]  # fmt: skip
    notes = [
        "In-process moto, warm stream function. Each half: a new conversation (pending, nobody's), then a customer",
        "message in it (for the admin only), then its assignment to the agent (conversation_updated, the activity",
        "chat_message, audit_log, dashboard_metrics); one batch = that change's stream records. Other provedores'",
        f"connections are spread over {OTHER_PROVEDORES} provedores. The calls must be equal in the two halves: a",
        "fan-out reads its own provedor's connections only (one Query per batch).",
    ]
    tables = [render("Realtime: DynamoDB calls per fan-out", headers, rows, notes)]
    return tables + realtime_latency.run()
