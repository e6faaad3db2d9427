"""Team chat unread counts at 10 and at 10,000 messages: DynamoDB calls and items read of the three unread
endpoints and of a room's first page of messages, on in-process moto.

The agent is in 3 rooms with the admin; the messages are spread over the rooms and a private conversation,
bulk-written with the numbering the posting transaction would have left (the room's `seq` and `sent`, each
message's `seq` and `tally`): the benchmark measures the reads.
"""

from __future__ import annotations

from typing import Any

from bench.harness import Read, by_size, reads_by_size
from bench.report import render
from bench.seed import Account, Tenant

SIZES = (10, 10_000)
ROOMS = 3


def _seed(provedor_id: int, admin: dict[str, Any], agent: dict[str, Any], count: int) -> int:
    """`count` messages from the admin: nine in ten in the rooms, one in ten to the agent. The first room's id."""
    from bench.bulk import _write
    from niochat import clock
    from niochat.domain import chat
    from niochat.domain.messages import new_message_id
    from niochat.store import chat as store
    from niochat.store import sequences

    now = clock.iso()
    room_ids = sequences.next_tenant_block(provedor_id, store.ROOM, ROOMS)
    ids = sequences.next_tenant_block(provedor_id, store.PARTICIPANT, 2 * ROOMS)
    rooms = []
    for n, room_id in enumerate(room_ids):
        room = chat.new_room(room_id, provedor_id, name=f"Sala {n}", description=None, room_type="general",
                             team_id=None, creator=admin["id"], now=now)  # fmt: skip
        members = [chat.new_participant(ids[2 * n], room, admin["id"], chat.ROOM_ADMIN, now),
                   chat.new_participant(ids[2 * n + 1], room, agent["id"], chat.MEMBER, now)]  # fmt: skip
        store.create_room(provedor_id, room, members)
        rooms.append(store.get_room(provedor_id, room_id, consistent=True))
    items: list[dict[str, Any]] = []
    private = 0
    for n in range(count):
        message_id = new_message_id(clock.now() + n / 1000)
        if n % 10 == 9:
            message = chat.new_message(message_id, provedor_id, admin["id"], f"privada {n}", now,
                                       recipient_id=agent["id"])  # fmt: skip
            private += 1
        else:
            room = rooms[n % ROOMS]
            draft = chat.new_message(message_id, provedor_id, admin["id"], f"mensagem {n}", now, room=room["id"])
            message = chat.numbered(draft, room)
            room.update(seq=message["seq"], sent=message["tally"], last_message=chat.last_message(message))
        items.append(store.message_item(provedor_id, message))
    for room in rooms:  # the rooms' numbering, and the admin's read position (they posted everything)
        items.append(dict(room))
        reader = store.get_participant(provedor_id, room["id"], admin["id"])
        items.append({**reader, "read_seq": room["seq"], "read_sent": room["sent"]})
    sides = [(agent["id"], admin["id"], private, 0), (admin["id"], agent["id"], 0, 0)]
    for user, other, received, read in sides:
        pk, sk = store.side_key(provedor_id, user, other)
        items.append({"PK": pk, "SK": sk, "type": store.SIDE, "provedor_id": provedor_id, "user_id": user,
                      "other_id": other, "received": received, "read": read, "last_message_at": now})  # fmt: skip
    _write(items)
    return room_ids[0]


def _world(tenant: Tenant, size: int) -> tuple[Account, list[Read]]:
    room = _seed(tenant.id, tenant.admin.user, tenant.agent.user, size)
    reads = [
        ("rooms' total unread", "/api/internal-chat-unread-count/", {}),
        ("rooms' unread by sender", "/api/internal-chat-unread-by-user/", {}),
        ("private unread by sender", "/api/private-unread-counts/", {}),
        ("a room's newest 20 messages", "/api/internal-chat/messages/", {"room": str(room)}),
        ("the caller's rooms", "/api/internal-chat/rooms/", {}),
    ]
    return tenant.agent, reads


def run() -> list[str]:
    results = reads_by_size(SIZES, _world)
    unread = {size: (read[0][1].body["total_unread"], read[2][1].body) for size, read in results.items()}
    headers, rows = by_size(results)
    return [
        render(
            "Team chat: DynamoDB calls per read, at 10 and at 10,000 messages (functions/chat)",
            headers,
            rows,
            [
                f"In-process moto, warm function, the agent (in {ROOMS} rooms with the admin). The counts read:",
                f"{unread[SIZES[0]][0]:,} and {unread[SIZES[-1]][0]:,} unread in rooms, private "
                f"{unread[SIZES[0]][1]} and {unread[SIZES[-1]][1]}. Each read includes the token's GetItem.",
                "Unread: a Query of the caller's participations + a BatchGetItem of their rooms (rooms), a Query",
                "of their private sides (private). A page of messages: the room (its `seq` is the count), a Query of",
                "page_size + 1 messages and a BatchGetItem of their senders.",
            ],
        )
    ]
