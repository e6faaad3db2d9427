"""Rooms: create (the creator is a participant and room admin; a `team` room starts with its team's members
and follows them), list (the caller's rooms; an admin's `?all=true` every room of the provedor), read, change
and delete (room admins and the provedor's admins), join (public room types) and leave."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from niochat import clock
from niochat.chat import access, views
from niochat.domain import chat
from niochat.domain.chat import MAX_PARTICIPANTS, Participant, Room, new_participant, new_room
from niochat.domain.users import Principal
from niochat.errors import Conflict, NotFound, PermissionDenied, ValidationError
from niochat.store import chat as store
from niochat.store import due, sequences
from niochat.store import teams as team_store
from niochat.store import users as user_store
from niochat.store.pages import Partition
from niochat.store.table import Item
from niochat.store.writes import ConditionFailed, Put
from niochat.timers.kinds import CHAT_ROOM_PURGE

if TYPE_CHECKING:  # the request models (pydantic) are the REST handler's: the stream's listener never loads them
    from niochat.chat.models import RoomCreate, RoomPatch

CHANGED = "A sala foi alterada por outra requisição. Recarregue e tente novamente"
INVALID_TEAM = "Equipe inválida"
INVALID_USERS = "Usuários inválidos"
FULL = f"A sala já tem o máximo de {MAX_PARTICIPANTS} participantes"


def active_users(provedor_id: int, user_ids: list[int]) -> list[int]:
    """The ids among `user_ids` that are active users of the provedor."""
    found = user_store.get_many(user_ids) if user_ids else {}
    return [u for u in user_ids if (f := found.get(u)) and f.get("provedor_id") == provedor_id and f.get("is_active")]


def create(caller: Principal, provedor_id: int, data: RoomCreate) -> Room:
    team_members: list[int] = []
    if data.room_type == "team":
        team = team_store.teams.get(provedor_id, data.team) if data.team is not None else None
        if team is None:
            raise ValidationError.field("team", INVALID_TEAM if data.team is not None else "Informe a equipe da sala")
        team_members = [int(u) for u in team.get("members") or {}]
    elif data.team is not None:
        raise ValidationError.field("team", "Só salas do tipo team têm equipe")
    invited = [u for u in dict.fromkeys([*team_members, *data.participants]) if u != caller.user_id]
    valid = active_users(provedor_id, invited)
    if set(data.participants) - set(valid) - {caller.user_id}:
        raise ValidationError.field("participants", INVALID_USERS, INVALID_USERS)
    if len(valid) + 1 > MAX_PARTICIPANTS:
        raise ValidationError.field("participants", FULL, FULL)
    now = clock.iso()
    room = new_room(sequences.next_tenant_id(provedor_id, store.ROOM), provedor_id, name=data.name,
                    description=data.description, room_type=data.room_type, team_id=data.team,
                    creator=caller.user_id, now=now)  # fmt: skip
    ids = sequences.next_tenant_block(provedor_id, store.PARTICIPANT, len(valid) + 1)
    members = [new_participant(ids[0], room, caller.user_id, chat.ROOM_ADMIN, now)]
    members += [new_participant(i, room, u, chat.MEMBER, now) for i, u in zip(ids[1:], valid, strict=True)]
    store.create_room(provedor_id, room, members)
    return {**room, "participants": {str(m["user_id"]): m["role"] for m in members}, "participant_count": len(members)}


def mine(provedor_id: int, caller: Principal) -> Partition:
    """The caller's participations, newest room first (a page of them is rendered with its rooms)."""
    return store.memberships(provedor_id, caller.user_id)


def every(provedor_id: int) -> Partition:
    return store.all_rooms(provedor_id)


def count_every(provedor_id: int) -> int:
    return store.count_rooms(provedor_id)


def shown_mine(caller: Principal, memberships: list[Item]) -> list[views.RoomView]:
    """A page of the caller's participations as their rooms (one BatchGetItem of the rooms)."""
    ids = [int(m["room_id"]) for m in memberships]
    found = store.rooms(int(memberships[0]["provedor_id"]), ids) if memberships else {}
    pairs = [(found[int(m["room_id"])], m) for m in memberships if int(m["room_id"]) in found]
    return views.rooms(pairs, caller.user_id)


def shown(caller: Principal, items: list[Item]) -> list[views.RoomView]:
    """A page of rooms, with the caller's unread count in those they take part in (one BatchGetItem)."""
    page = cast("list[Room]", items)
    wanted = [int(r["id"]) for r in page if chat.is_participant(r, caller.user_id)]
    readers = store.participations(int(page[0]["provedor_id"]), caller.user_id, wanted) if wanted else {}
    return views.rooms([(r, readers.get(int(r["id"]))) for r in page], caller.user_id)


def shown_participants(items: list[Item]) -> list[views.ParticipantView]:
    return views.participants(cast("list[Participant]", items))


def update(caller: Principal, provedor_id: int, room_id: int, data: RoomPatch) -> Room:
    room = access.room(caller, provedor_id, room_id, consistent=True)
    access.require_manager(caller, room)
    changes: dict[str, Any] = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    if "description" in data.model_fields_set:
        changes["description"] = data.description or ""
    changes["updated_at"] = clock.iso()
    try:
        store.update_room(provedor_id, room, changes)
    except ConditionFailed:
        raise Conflict(CHANGED) from None
    return cast(Room, {**room, **changes, "version": int(room["version"]) + 1})


def delete(caller: Principal, provedor_id: int, room_id: int) -> None:
    room = access.room(caller, provedor_id, room_id, consistent=True)
    access.require_manager(caller, room)
    try:
        store.delete_room(provedor_id, room, _purge_timer(provedor_id, int(room["id"]), 0))
    except ConditionFailed:
        raise Conflict(CHANGED) from None


def join(caller: Principal, provedor_id: int, room_id: int) -> Participant:
    """Join a public room (general, support, sales); a team or private room is the same 404 as none, unless the
    caller is an admin of the provedor (who may join any)."""
    room = store.get_room(provedor_id, room_id, consistent=True)
    if room is not None and chat.is_participant(room, caller.user_id):
        raise Conflict("Você já participa desta sala")
    if room is None or not (caller.is_admin or room["room_type"] in chat.PUBLIC_ROOM_TYPES):
        raise NotFound(access.ROOM_NOT_FOUND)
    return add(provedor_id, room, caller.user_id, chat.MEMBER)


def add(provedor_id: int, room: Room, user_id: int, role: str) -> Participant:
    """The user as a participant from now on (they have read everything before)."""
    participant = new_participant(sequences.next_tenant_id(provedor_id, store.PARTICIPANT), room, user_id, role,
                                  clock.iso())  # fmt: skip
    try:
        store.add_participant(provedor_id, participant, MAX_PARTICIPANTS)
    except ConditionFailed as failure:
        if failure.on("user"):
            raise ValidationError.field("user", "Usuário inválido") from None
        current = failure.item("room")
        if current is None:
            raise NotFound(access.ROOM_NOT_FOUND) from None
        if chat.is_participant(current, user_id):
            raise Conflict("Este usuário já participa da sala") from None
        raise Conflict(FULL) from None
    return participant


def leave(caller: Principal, provedor_id: int, room_id: int) -> None:
    room = access.participating(caller, provedor_id, room_id, consistent=True)
    participant = store.get_participant(provedor_id, room["id"], caller.user_id)
    if participant is None:
        raise NotFound(access.ROOM_NOT_FOUND)
    remove(provedor_id, participant)


def remove(provedor_id: int, participant: Participant) -> None:
    try:
        store.remove_participant(provedor_id, participant)
    except ConditionFailed:
        raise NotFound("Participante não encontrado") from None


def require_admin_for_all(caller: Principal) -> None:
    if not caller.is_admin:
        raise PermissionDenied("Apenas administradores listam todas as salas do provedor")


PURGE_BATCH = 2000  # messages deleted per timer run (the sweep's budget); a longer room continues in another run


def _purge_timer(provedor_id: int, room_id: int, part: int) -> Put:
    ref = str(room_id) if part == 0 else f"{room_id}#{part}"
    return due.schedule_op(provedor_id, CHAT_ROOM_PURGE, ref, clock.now(), {"room_id": room_id, "part": part}, "purge")


def purge(provedor_id: int, room_id: int, part: int) -> None:
    """The timer of a deleted room: its messages and their files go; a room with more than PURGE_BATCH messages
    schedules its next part. Safe to run twice (deleting what is gone is nothing)."""
    from niochat.chat import files

    with_files, more = store.purge_messages(provedor_id, room_id, PURGE_BATCH)
    for message in with_files:
        files.forget(message.get("file"))
    if more:
        store.schedule(_purge_timer(provedor_id, room_id, part + 1))
