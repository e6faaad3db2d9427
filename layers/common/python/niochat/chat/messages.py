"""Chat messages: a room's page (newest first, `before`/`after` id cursors), posting text or a file (the room's
next number, with the poster's read position, in one transaction; retried while other posts win the number),
marking read, and what both room and private messages share: edit (the sender), soft delete (the sender or an
admin), reactions (one per user and emoji, toggled)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, cast

from niochat import clock
from niochat.chat import access, files
from niochat.domain import chat
from niochat.domain.chat import ChatFile, ChatMessage, Room
from niochat.domain.messages import new_message_id
from niochat.domain.users import Principal
from niochat.errors import Conflict, NotFound, PermissionDenied, ServiceUnavailable, ValidationError
from niochat.messages.multipart import Upload
from niochat.store import chat as store
from niochat.store import pages
from niochat.store.pages import Partition
from niochat.store.writes import ConditionFailed, TransactionConflict

# Posts racing for a room's next number: each round one wins, so a burst of N posts needs at most N rounds.
POST_ATTEMPTS = 60
BUSY = "A sala está recebendo muitas mensagens ao mesmo tempo; tente novamente"
INVALID_REPLY = "Mensagem respondida inválida"
EDIT_ATTEMPTS = 5


def _pause(attempt: int) -> None:
    time.sleep(random.uniform(0, min(0.2, 0.005 * (attempt + 1))))  # jitter, not secrecy


def window(
    caller: Principal, provedor_id: int, room_id: int, before: int | None, after: int | None
) -> tuple[Partition, int] | None:
    """The room's messages between the cursors (participants only) and how many there are: without cursors the
    room's number of messages, else a count of the window's keys. None: the cursors leave no room."""
    room = access.participating(caller, provedor_id, room_id)
    if before is not None and after is not None and after + 1 >= before:
        return None
    partition = store.room_window(provedor_id, room_id, before, after)
    if before is None and after is None:
        return partition, int(room.get("seq") or 0)
    return partition, pages.count(partition)


def replied(
    provedor_id: int, reply_to: int | None, room: int | None, between: tuple[int, int] | None
) -> ChatMessage | None:
    """The message a new one answers: of the same room, or of the same two colleagues (400 otherwise)."""
    if reply_to is None:
        return None
    found = store.get_message(provedor_id, reply_to)
    if found is None:
        raise ValidationError.field("reply_to", INVALID_REPLY)
    if room is not None and found.get("room") != room:
        raise ValidationError.field("reply_to", INVALID_REPLY)
    if between is not None and (
        found.get("room") is not None
        or chat.pair(int(found["sender_id"]), int(found.get("recipient_id") or 0)) != between
    ):
        raise ValidationError.field("reply_to", INVALID_REPLY)
    return found


def post(caller: Principal, provedor_id: int, room_id: int, content: str, reply_to: int | None,
         upload: Upload | None = None) -> ChatMessage:  # fmt: skip
    """Post to the room as its next message. A file is stored first (and removed again if the post fails)."""
    room = access.participating(caller, provedor_id, room_id)
    answered = replied(provedor_id, reply_to, room_id, None)
    message_id = new_message_id(clock.now())
    file: ChatFile | None = None
    if upload is not None:
        file = files.store_upload(files.folder(provedor_id, room_id, caller.user_id, None), message_id, upload)
    kind = files.kind_of(file["mime_type"]) if file else "text"
    draft = chat.new_message(message_id, provedor_id, caller.user_id, content, clock.iso(), room=room_id, file=file,
                             message_type=kind, reply_to=answered)  # fmt: skip
    try:
        return _numbered_post(caller, provedor_id, room, draft)
    except BaseException:
        files.forget(file)
        raise


def _numbered_post(caller: Principal, provedor_id: int, room: Room, draft: ChatMessage) -> ChatMessage:
    for attempt in range(POST_ATTEMPTS):
        message = chat.numbered(draft, room)
        try:
            store.post_to_room(provedor_id, room, message)
            return message
        except ConditionFailed as failure:
            current = failure.item("room") if failure.on("room") else None
            if current is None or not chat.is_participant(current, caller.user_id):
                raise NotFound(access.ROOM_NOT_FOUND) from None
            room = cast(Room, current)  # another post took the number: number after it
        except TransactionConflict:
            room = access.participating(caller, provedor_id, int(room["id"]), consistent=True)
        _pause(attempt)
    raise ServiceUnavailable(BUSY)


def mark_read(caller: Principal, provedor_id: int, room_id: int, up_to: int | None) -> dict[str, int]:
    """Read up to the message `up_to` (default: the newest); never moves the position back."""
    room = access.participating(caller, provedor_id, room_id, consistent=True)
    seq, tally = int(room.get("seq") or 0), dict(room.get("sent") or {})
    if up_to is not None:
        found = store.get_message(provedor_id, up_to)
        if found is None or found.get("room") != room_id:
            raise ValidationError.field("up_to", "Mensagem inválida")
        seq, tally = int(found["seq"]), dict(found.get("tally") or {})
    store.mark_read(provedor_id, room_id, caller.user_id, seq, tally)
    participant = store.get_participant(provedor_id, room_id, caller.user_id)
    if participant is None:
        raise NotFound(access.ROOM_NOT_FOUND)
    return {"room": room_id, "read_seq": int(participant["read_seq"]), "unread_count": chat.unread(room, participant)}


# -- shared by room and private messages -------------------------------------------------------------
def _change(provedor_id: int, message: ChatMessage, changes_of: Callable[[ChatMessage], dict[str, Any]]) -> ChatMessage:
    """Apply `changes_of(message)` at the version read, re-reading after a concurrent change."""
    for attempt in range(EDIT_ATTEMPTS):
        changes = changes_of(message)
        try:
            store.update_message(provedor_id, message, changes)
            return cast(ChatMessage, {**message, **changes, "version": int(message.get("version") or 1) + 1})
        except (ConditionFailed, TransactionConflict):
            current = store.get_message(provedor_id, int(message["id"]))
            if current is None:
                raise NotFound(access.MESSAGE_NOT_FOUND) from None
            message = current
        _pause(attempt)
    raise Conflict("A mensagem foi alterada por outra requisição. Tente novamente")


def edit(caller: Principal, provedor_id: int, message_id: int, content: str) -> ChatMessage:
    message, _ = access.message(caller, provedor_id, message_id)
    if int(message["sender_id"]) != caller.user_id:
        raise PermissionDenied("Apenas quem enviou a mensagem pode editá-la")
    if message.get("is_deleted"):
        raise Conflict("Uma mensagem apagada não pode ser editada")
    return _change(provedor_id, message, lambda m: chat.edited(m, content, clock.iso()))


def delete(caller: Principal, provedor_id: int, message_id: int) -> ChatMessage:
    message, room = access.message(caller, provedor_id, message_id)
    own = int(message["sender_id"]) == caller.user_id
    if not (own or caller.is_admin or (room is not None and chat.is_room_admin(room, caller.user_id))):
        raise PermissionDenied("Apenas quem enviou a mensagem ou um administrador pode apagá-la")
    if message.get("is_deleted"):
        return message
    changed = _change(provedor_id, message, lambda m: chat.deleted(clock.iso()))
    files.forget(message.get("file"))
    return changed


def react(caller: Principal, provedor_id: int, message_id: int, emoji: str) -> ChatMessage:
    message, _ = access.message(caller, provedor_id, message_id)
    if message.get("is_deleted"):
        raise Conflict("Não é possível reagir a uma mensagem apagada")

    def toggled(current: ChatMessage) -> dict[str, Any]:
        reactions = chat.toggle_reaction(current.get("reactions") or {}, emoji, caller.user_id)
        if len(reactions) > chat.MAX_REACTIONS:
            raise ValidationError.field("emoji", f"A mensagem já tem {chat.MAX_REACTIONS} reações diferentes")
        return {"reactions": reactions, "updated_at": clock.iso()}

    return _change(provedor_id, message, toggled)


def file_of(caller: Principal, provedor_id: int, message_id: int) -> ChatFile:
    message, _ = access.message(caller, provedor_id, message_id)
    if not message.get("file"):
        raise NotFound("Arquivo não encontrado")
    return cast(ChatFile, message["file"])
