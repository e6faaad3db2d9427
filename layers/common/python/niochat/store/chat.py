"""Team chat in the table (niochat.domain.chat has the model; docs/data-model.md the patterns):

- room `P#<p>#CHATROOM` / `<id>`: its fields, `participants` (user → role), `seq`, `sent` and `version`;
- participant `P#<p>#CHATROOM#<room>#PART` / `<user>` (one GetItem from room and user), GSI1
  `P#<p>#CHATPART#<id>` (by its id) and GSI2 `P#<p>#USER#<user>#ROOMS` / `<room>` (a user's rooms);
- room message `P#<p>#CHATROOM#<room>#MSG` / `<id>` and private message `P#<p>#DM#<low>#<high>#MSG` / `<id>`
  (time-ordered ids, as conversation messages), both with GSI1 `P#<p>#CHATMSG#<id>` (one message by id);
- private side `P#<p>#USER#<user>#DM` / `<other>`: `received` (messages from the other) and `read`.

Every write is one transaction of niochat.store.writes operations: a message, the room's numbering and the
poster's read position never part; a participant and the room's map never part.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from niochat.domain.chat import ChatMessage, Participant, Room, last_message
from niochat.store import keys
from niochat.store.messages import id_window, message_sk
from niochat.store.pages import Partition
from niochat.store.table import Item, table
from niochat.store.writes import Check, ConditionFailed, Delete, Put, Update, field

ROOM, PARTICIPANT, MESSAGE, SIDE = "chat_room", "chat_participant", "chat_message", "chat_side"


# -- keys -------------------------------------------------------------------------------------------
def rooms_pk(provedor_id: int) -> str:
    return f"{keys.tenant(provedor_id)}#CHATROOM"


def room_key(provedor_id: int, room_id: int) -> tuple[str, str]:
    return rooms_pk(provedor_id), keys.pad(room_id)


def participant_key(provedor_id: int, room_id: int, user_id: int) -> tuple[str, str]:
    return f"{rooms_pk(provedor_id)}#{room_id}#PART", keys.pad(user_id)


def rooms_of_user_pk(provedor_id: int, user_id: int) -> str:
    return f"{keys.tenant(provedor_id)}#USER#{user_id}#ROOMS"


def room_messages_pk(provedor_id: int, room_id: int) -> str:
    return f"{rooms_pk(provedor_id)}#{room_id}#MSG"


def private_messages_pk(provedor_id: int, low: int, high: int) -> str:
    return f"{keys.tenant(provedor_id)}#DM#{low}#{high}#MSG"


def side_key(provedor_id: int, user_id: int, other_id: int) -> tuple[str, str]:
    return f"{keys.tenant(provedor_id)}#USER#{user_id}#DM", keys.pad(other_id)


def message_item(provedor_id: int, message: Mapping[str, Any]) -> Item:
    if message.get("room") is not None:
        pk = room_messages_pk(provedor_id, int(message["room"]))
    else:
        low, high = sorted((int(message["sender_id"]), int(message["recipient_id"])))
        pk = private_messages_pk(provedor_id, low, high)
    return {**message, "PK": pk, "SK": message_sk(int(message["id"])), "type": MESSAGE, "provedor_id": provedor_id,
            "GSI1PK": f"{keys.tenant(provedor_id)}#CHATMSG#{message['id']}", "GSI1SK": "MSG"}  # fmt: skip


def _participant_item(provedor_id: int, participant: Mapping[str, Any]) -> Item:
    pk, sk = participant_key(provedor_id, int(participant["room_id"]), int(participant["user_id"]))
    return {**participant, "PK": pk, "SK": sk, "type": PARTICIPANT, "provedor_id": provedor_id,
            "GSI1PK": f"{keys.tenant(provedor_id)}#CHATPART#{participant['id']}", "GSI1SK": "PART",
            "GSI2PK": rooms_of_user_pk(provedor_id, int(participant["user_id"])),
            "GSI2SK": keys.pad(int(participant["room_id"]))}  # fmt: skip


def _active_user(provedor_id: int, user_id: int, label: str = "user") -> Check:
    """The user is an active user of this provedor (checked in the same transaction)."""
    return Check(label, *keys.user(user_id)).when(field("provedor_id").eq(provedor_id), field("is_active").eq(True))


def _counted(provedor_id: int, amount: int) -> Update:
    return Update("counters", *keys.counters(provedor_id)).add(ROOM, amount)


# -- rooms ------------------------------------------------------------------------------------------
def get_room(provedor_id: int, room_id: int, consistent: bool = False) -> Room | None:
    return cast("Room | None", table().get(*room_key(provedor_id, room_id), consistent=consistent))


def rooms(provedor_id: int, room_ids: list[int]) -> dict[int, Room]:
    found = table().batch_get([room_key(provedor_id, r) for r in room_ids])
    return {int(item["id"]): cast(Room, item) for item in found}


def all_rooms(provedor_id: int) -> Partition:
    """The provedor's rooms, newest first (an admin's `?all=true`)."""
    return Partition(rooms_pk(provedor_id), forward=False)


def count_rooms(provedor_id: int) -> int:
    return int((table().get(*keys.counters(provedor_id)) or {}).get(ROOM) or 0)


def create_room(provedor_id: int, room: Room, members: list[Participant]) -> None:
    """The room with its first participants (the creator first), atomically."""
    pk, sk = room_key(provedor_id, room["id"])
    participants = {str(p["user_id"]): p["role"] for p in members}
    item = {**room, "PK": pk, "SK": sk, "type": ROOM, "participants": participants,
            "participant_count": len(participants)}  # fmt: skip
    if room.get("team_id") is not None:
        item.update(GSI1PK=f"{keys.tenant(provedor_id)}#TEAM#{room['team_id']}#ROOMS", GSI1SK=keys.pad(room["id"]))
    operations: list[Any] = [Put("room", item).when_absent(), _counted(provedor_id, 1)]
    operations += [Put(f"participant{n}", _participant_item(provedor_id, member)).when_absent()
                   for n, member in enumerate(members)]  # fmt: skip
    table().transact(operations)


def rooms_of_team(provedor_id: int, team_id: int) -> list[Room]:
    found = table().query_all(f"{keys.tenant(provedor_id)}#TEAM#{team_id}#ROOMS", index="GSI1")
    return cast("list[Room]", found)


def update_room(provedor_id: int, room: Mapping[str, Any], changes: Item) -> None:
    op = Update("room", *room_key(provedor_id, room["id"])).set_all(changes).expect_version(int(room["version"]))
    table().write(op)


def delete_room(provedor_id: int, room: Mapping[str, Any], purge: Put) -> None:
    """The room and its participants (the version proves the map is every participant), with `purge`, the timer
    that removes its messages and files (unreachable behind the room's 404 from this moment)."""
    operations: list[Any] = [
        Delete("room", *room_key(provedor_id, room["id"])).expect_version(int(room["version"])),
        _counted(provedor_id, -1),
        purge,
    ]
    operations += [Delete(f"participant{u}", *participant_key(provedor_id, room["id"], int(u)))
                   for u in room.get("participants") or {}]  # fmt: skip
    table().transact(operations)


# -- participants -----------------------------------------------------------------------------------
def get_participant(provedor_id: int, room_id: int, user_id: int) -> Participant | None:
    return cast("Participant | None", table().get(*participant_key(provedor_id, room_id, user_id), consistent=True))


def participations(provedor_id: int, user_id: int, room_ids: list[int]) -> dict[int, Participant]:
    """The user's participant items in these rooms, by room (one BatchGetItem)."""
    found = table().batch_get([participant_key(provedor_id, r, user_id) for r in room_ids])
    return {int(item["room_id"]): cast(Participant, item) for item in found}


def participant_by_id(provedor_id: int, participant_id: int) -> Participant | None:
    found = table().query(f"{keys.tenant(provedor_id)}#CHATPART#{participant_id}", index="GSI1", limit=1).items
    return cast(Participant, found[0]) if found else None


def participants_of(provedor_id: int, room_id: int) -> Partition:
    pk, _ = participant_key(provedor_id, room_id, 0)
    return Partition(pk)


def memberships(provedor_id: int, user_id: int) -> Partition:
    """The user's participations (with their read positions), by room id, newest room first."""
    return Partition(rooms_of_user_pk(provedor_id, user_id), index_name="GSI2", forward=False)


def all_memberships(provedor_id: int, user_id: int) -> list[Participant]:
    return cast("list[Participant]", table().query_all(rooms_of_user_pk(provedor_id, user_id), index="GSI2"))


def add_participant(provedor_id: int, participant: Participant, max_participants: int) -> None:
    """Fails (ConditionFailed on `room`) when the room is gone, full or already has the user; on `user` when the
    user is not an active user of this provedor."""
    room_op = (
        Update("room", *room_key(provedor_id, participant["room_id"]))
        .set(f"participants.{participant['user_id']}", participant["role"])
        .add("participant_count", 1)
        .add("version", 1)
        .when_exists()
        .when(field(f"participants.{participant['user_id']}").not_exists())
        .when(field("participant_count").lt(max_participants))
    )
    put = Put("participant", _participant_item(provedor_id, participant)).when_absent()
    table().transact([room_op, put, _active_user(provedor_id, participant["user_id"])])


def remove_participant(provedor_id: int, participant: Mapping[str, Any]) -> None:
    room_id, user_id = int(participant["room_id"]), int(participant["user_id"])
    room_op = (
        Update("room", *room_key(provedor_id, room_id))
        .remove(f"participants.{user_id}")
        .add("participant_count", -1)
        .add("version", 1)
        .when(field(f"participants.{user_id}").exists())
    )
    table().transact([room_op, Delete("participant", *participant_key(provedor_id, room_id, user_id)).when_exists()])


def mark_read(provedor_id: int, room_id: int, user_id: int, seq: int, tally: Mapping[str, int]) -> bool:
    """Move the participant's read position forward to message `seq` (False: it was there already)."""
    op = (
        Update("participant", *participant_key(provedor_id, room_id, user_id))
        .set("read_seq", seq)
        .set("read_sent", dict(tally))
        .when_exists()
        .when(field("read_seq").lt(seq))
    )
    try:
        table().write(op)
    except ConditionFailed as failure:
        if failure.item("participant") is None:
            raise
        return False
    return True


# -- messages ---------------------------------------------------------------------------------------
def post_to_room(provedor_id: int, room: Mapping[str, Any], message: ChatMessage) -> None:
    """The room's next message (`message` numbered from `room` as read), the room's numbering and the poster's
    read position, atomically. ConditionFailed on `room`: the room moved on (another message, the poster left)."""
    sender, seq = str(message["sender_id"]), int(message["seq"])
    room_op = (
        Update("room", *room_key(provedor_id, room["id"]))
        .set("seq", seq)
        .set(f"sent.{sender}", int(message["tally"][sender]))
        .set("last_message", last_message(message))
        .set("updated_at", message["created_at"])
        .when(field("seq").eq(seq - 1), field(f"participants.{sender}").exists())
    )
    reader = (
        Update("reader", *participant_key(provedor_id, room["id"], int(sender)))
        .set("read_seq", seq)
        .set("read_sent", dict(message["tally"]))
        .when_exists()
    )
    table().transact([room_op, Put("message", message_item(provedor_id, message)).when_absent(), reader])


def send_private(provedor_id: int, message: ChatMessage) -> None:
    """The message, one more received on the recipient's side, and the sender's side read up to now, atomically;
    ConditionFailed on `recipient` when they are not an active user of this provedor."""
    sender, recipient, at = int(message["sender_id"]), int(message["recipient_id"] or 0), message["created_at"]
    theirs = (
        Update("their_side", *side_key(provedor_id, recipient, sender))
        .add("received", 1)
        .set_default("read", 0)
        .set("last_message_at", at)
        .set_all(_side_fields(provedor_id, recipient, sender))
    )
    mine = (
        Update("my_side", *side_key(provedor_id, sender, recipient))
        .copy("read", "received", 0)
        .set("last_message_at", at)
        .set_all(_side_fields(provedor_id, sender, recipient))
    )
    check = _active_user(provedor_id, recipient, "recipient")
    table().transact([Put("message", message_item(provedor_id, message)).when_absent(), theirs, mine, check])


def _side_fields(provedor_id: int, user_id: int, other_id: int) -> Item:
    return {"type": SIDE, "provedor_id": provedor_id, "user_id": user_id, "other_id": other_id}


def mark_private_read(provedor_id: int, user_id: int, other_id: int) -> None:
    """Everything the other sent so far is read (no write when nothing was ever received)."""
    op = Update("side", *side_key(provedor_id, user_id, other_id)).copy("read", "received", 0).when_exists()
    try:
        table().write(op)
    except ConditionFailed:
        return


def exchanged(provedor_id: int, a: int, b: int) -> int:
    """How many private messages `a` and `b` have exchanged: what each side received (one BatchGetItem)."""
    found = table().batch_get([side_key(provedor_id, a, b), side_key(provedor_id, b, a)])
    return sum(int(side.get("received") or 0) for side in found)


def sides(provedor_id: int, user_id: int) -> list[Item]:
    """The user's private conversations: one item per colleague they exchanged messages with."""
    return table().query_all(side_key(provedor_id, user_id, 0)[0])


def get_message(provedor_id: int, message_id: int) -> ChatMessage | None:
    found = table().query(f"{keys.tenant(provedor_id)}#CHATMSG#{message_id}", index="GSI1", limit=1).items
    return cast(ChatMessage, found[0]) if found else None


def update_message(provedor_id: int, message: Mapping[str, Any], changes: Item) -> None:
    """SET `changes` while the message is still at the version it was read at (ConditionFailed otherwise)."""
    item = message_item(provedor_id, message)
    op = Update("message", item["PK"], item["SK"]).set_all(changes).expect_version(int(message.get("version") or 1))
    table().write(op)


def room_window(provedor_id: int, room_id: int, before: int | None, after: int | None) -> Partition:
    return id_window(room_messages_pk(provedor_id, room_id), before, after)


def private_window(provedor_id: int, a: int, b: int, before: int | None, after: int | None) -> Partition:
    low, high = sorted((a, b))
    return id_window(private_messages_pk(provedor_id, low, high), before, after)


def schedule(timer: Put) -> None:
    table().write(timer)


def purge_messages(provedor_id: int, room_id: int, limit: int) -> tuple[list[Item], bool]:
    """Delete up to `limit` messages of a deleted room (BatchWriteItem, 25 a call); the deleted messages'
    files to forget, and whether more remain."""
    page = table().query(room_messages_pk(provedor_id, room_id), limit=limit)
    t = table()
    for start in range(0, len(page.items), 25):
        chunk = page.items[start : start + 25]
        request = {t.name: [{"DeleteRequest": {"Key": t.codec.dump({"PK": m["PK"], "SK": m["SK"]})}} for m in chunk]}
        while request:
            request = t.client.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
    return [m for m in page.items if m.get("file")], page.last_key is not None
