"""Who may reach a room and a chat message. A room is visible to its participants and to the provedor's admins;
anyone else gets the same 404 as for a room that does not exist (or another provedor's). A chat message is
reachable by the participants of its room, or by the two colleagues of a private message."""

from __future__ import annotations

from niochat.domain import chat
from niochat.domain.chat import ChatMessage, Room
from niochat.domain.users import Principal
from niochat.errors import NotFound, PermissionDenied
from niochat.store import chat as store

ROOM_NOT_FOUND = "Sala não encontrada"
MESSAGE_NOT_FOUND = "Mensagem não encontrada"


def room(caller: Principal, provedor_id: int, room_id: int, consistent: bool = False) -> Room:
    """The room, visible to the caller (a participant, or an admin of the provedor)."""
    found = store.get_room(provedor_id, room_id, consistent=consistent)
    if found is None or not (caller.is_admin or chat.is_participant(found, caller.user_id)):
        raise NotFound(ROOM_NOT_FOUND)
    return found


def participating(caller: Principal, provedor_id: int, room_id: int, consistent: bool = False) -> Room:
    """The room, when the caller is one of its participants (admins too: messages are the participants')."""
    found = store.get_room(provedor_id, room_id, consistent=consistent)
    if found is None or not chat.is_participant(found, caller.user_id):
        raise NotFound(ROOM_NOT_FOUND)
    return found


def manages(caller: Principal, found: Room) -> bool:
    """Room admins (its creator among them) and the provedor's admins manage a room."""
    return caller.is_admin or chat.is_room_admin(found, caller.user_id)


def require_manager(caller: Principal, found: Room) -> None:
    if not manages(caller, found):
        raise PermissionDenied("Apenas o criador da sala, os administradores da sala ou do provedor podem fazer isto")


def message(caller: Principal, provedor_id: int, message_id: int) -> tuple[ChatMessage, Room | None]:
    """The message and its room (None for a private message), when the caller may read it."""
    found = store.get_message(provedor_id, message_id)
    if found is None:
        raise NotFound(MESSAGE_NOT_FOUND)
    if found.get("room") is None:
        if caller.user_id not in (int(found["sender_id"]), int(found.get("recipient_id") or 0)):
            raise NotFound(MESSAGE_NOT_FOUND)
        return found, None
    try:
        return found, participating(caller, provedor_id, int(found["room"] or 0))
    except NotFound:
        raise NotFound(MESSAGE_NOT_FOUND) from None
