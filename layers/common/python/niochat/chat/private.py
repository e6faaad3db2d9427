"""Private messages between two colleagues of one provedor: the conversation with a colleague (newest first,
`before`/`after` id cursors), sending text or a file, and marking what they sent as read. A message is unread
for its recipient until they read it; sending marks what the other sent before as read for the sender."""

from __future__ import annotations

from niochat import clock
from niochat.chat import files
from niochat.chat.messages import replied
from niochat.domain import chat
from niochat.domain.chat import ChatFile, ChatMessage
from niochat.domain.messages import new_message_id
from niochat.domain.users import Principal
from niochat.errors import ValidationError
from niochat.messages.multipart import Upload
from niochat.store import chat as store
from niochat.store import pages
from niochat.store import users as user_store
from niochat.store.pages import Partition
from niochat.store.writes import ConditionFailed

INVALID_USER = "Usuário inválido"


def colleague(caller: Principal, provedor_id: int, user_id: int, field: str) -> int:
    """Another active user of the caller's provedor (400 naming `field` otherwise, the same for any other
    provedor's user as for one that does not exist)."""
    found = user_store.get(user_id)
    if user_id == caller.user_id:
        raise ValidationError.field(field, "Escolha outro usuário")
    if found is None or found.get("provedor_id") != provedor_id or not found.get("is_active"):
        raise ValidationError.field(field, INVALID_USER)
    return user_id


def window(
    caller: Principal, provedor_id: int, other: int, before: int | None, after: int | None
) -> tuple[Partition, int] | None:
    """The conversation with `other`, and how many messages it has (without cursors: both sides' `received`)."""
    colleague(caller, provedor_id, other, "user")
    if before is not None and after is not None and after + 1 >= before:
        return None
    partition = store.private_window(provedor_id, caller.user_id, other, before, after)
    if before is None and after is None:
        return partition, store.exchanged(provedor_id, caller.user_id, other)
    return partition, pages.count(partition)


def send(caller: Principal, provedor_id: int, recipient: int, content: str, reply_to: int | None,
         upload: Upload | None = None) -> ChatMessage:  # fmt: skip
    colleague(caller, provedor_id, recipient, "recipient")
    answered = replied(provedor_id, reply_to, None, chat.pair(caller.user_id, recipient))
    message_id = new_message_id(clock.now())
    file: ChatFile | None = None
    if upload is not None:
        file = files.store_upload(files.folder(provedor_id, None, caller.user_id, recipient), message_id, upload)
    message = chat.new_message(message_id, provedor_id, caller.user_id, content, clock.iso(), recipient_id=recipient,
                               file=file, message_type=files.kind_of(file["mime_type"]) if file else "text",
                               reply_to=answered)  # fmt: skip
    try:
        store.send_private(provedor_id, message)
    except ConditionFailed:
        files.forget(file)
        raise ValidationError.field("recipient", INVALID_USER) from None
    except BaseException:
        files.forget(file)
        raise
    return message


def mark_read(caller: Principal, provedor_id: int, other: int) -> dict[str, int]:
    colleague(caller, provedor_id, other, "user")
    store.mark_private_read(provedor_id, caller.user_id, other)
    return {"user": other, "unread_count": 0}
