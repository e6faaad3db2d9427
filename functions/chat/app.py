"""Team chat endpoints: rooms, participants, room messages, private messages and unread counts
(docs/team-chat.md). Every route: the caller, then their provedor, then the input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools.event_handler import Response

from niochat.chat import access, files, private, rooms, unread, views
from niochat.chat import messages as chat_messages
from niochat.chat.models import (
    Edit,
    MarkPrivateRead,
    MarkRoomRead,
    MessageWindow,
    ParticipantCreate,
    PrivateFileForm,
    PrivateText,
    PrivateWindow,
    React,
    RoomCreate,
    RoomFileForm,
    RoomPatch,
    RoomQuery,
    RoomScoped,
    RoomText,
    Scope,
)
from niochat.domain.users import Principal
from niochat.errors import NotFound
from niochat.http import auth, request
from niochat.http.app import create_app, json_response, lambda_handler_for, no_content
from niochat.http.pagination import PageParams, paginate
from niochat.http.urls import api_root
from niochat.messages import multipart
from niochat.messages.multipart import Upload
from niochat.settings import get_settings
from niochat.store import chat as store
from niochat.store import pages

app = create_app()
M = TypeVar("M", RoomText, PrivateText)
F = TypeVar("F", RoomFileForm, PrivateFileForm)
PARTICIPANT_NOT_FOUND = "Participante não encontrado"


def _caller() -> tuple[Principal, int]:
    caller, _, provedor_id = auth.scoped(app, Scope)
    return caller, provedor_id


def _room_id(raw: str) -> int:
    return request.object_id(raw, access.ROOM_NOT_FOUND)


def _message_id(raw: str) -> int:
    return request.object_id(raw, access.MESSAGE_NOT_FOUND)


def _message(message: Any, status: int = 200) -> Response:
    return json_response(status, views.messages([message], api_root(app))[0])


def _posted(as_json: type[M], as_form: type[F]) -> tuple[M | F, Upload | None]:
    """A post's fields and file: a JSON body, or a multipart form with `file` (its other fields as text)."""
    headers = {k.lower(): v for k, v in (app.current_event.headers or {}).items()}
    content_type = headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        return request.body(app, as_json), None
    form = multipart.parse(content_type, request.raw_body(app), get_settings().media_max_bytes)
    return request.validate(as_form, form.fields), multipart.required_file(form, "file")


def _file_redirect(file: Any) -> Response:
    return Response(status_code=302, body="", headers={"Location": files.link(file), "Cache-Control": "no-store"})


# -- rooms --------------------------------------------------------------------------------------------
@app.get("/api/internal-chat/rooms/")
def list_rooms():
    caller, query, provedor_id = auth.scoped(app, RoomQuery)
    page = request.query(app, PageParams)
    if query.all:
        rooms.require_admin_for_all(caller)
        every = rooms.every(provedor_id)
        return paginate(app, every, page, rooms.count_every(provedor_id), lambda items: rooms.shown(caller, items))
    mine = rooms.mine(provedor_id, caller)
    return paginate(app, mine, page, pages.count(mine), lambda items: rooms.shown_mine(caller, items))


@app.post("/api/internal-chat/rooms/")
def create_room():
    caller, body, provedor_id = auth.creating(app, RoomCreate)
    room = rooms.create(caller, provedor_id, body)
    reader = store.get_participant(room["provedor_id"], room["id"], caller.user_id)
    return json_response(201, views.rooms([(room, reader)], caller.user_id)[0])


def _room_view(caller: Principal, provedor_id: int, room: Any) -> Any:
    reader = store.get_participant(provedor_id, room["id"], caller.user_id)
    return views.rooms([(room, reader)], caller.user_id)[0]


@app.get("/api/internal-chat/rooms/<room_id>/")
def get_room(room_id: str):
    caller, provedor_id = _caller()
    return _room_view(caller, provedor_id, access.room(caller, provedor_id, _room_id(room_id)))


@app.patch("/api/internal-chat/rooms/<room_id>/")
def patch_room(room_id: str):
    caller, provedor_id = _caller()
    body = request.body(app, RoomPatch)
    return _room_view(caller, provedor_id, rooms.update(caller, provedor_id, _room_id(room_id), body))


@app.delete("/api/internal-chat/rooms/<room_id>/")
def delete_room(room_id: str):
    caller, provedor_id = _caller()
    rooms.delete(caller, provedor_id, _room_id(room_id))
    return no_content()


@app.post("/api/internal-chat/rooms/<room_id>/join/")
def join_room(room_id: str):
    caller, provedor_id = _caller()
    participant = rooms.join(caller, provedor_id, _room_id(room_id))
    return json_response(201, views.participants([participant])[0])


@app.post("/api/internal-chat/rooms/<room_id>/leave/")
def leave_room(room_id: str):
    caller, provedor_id = _caller()
    rooms.leave(caller, provedor_id, _room_id(room_id))
    return no_content()


# -- participants ---------------------------------------------------------------------------------------
@app.get("/api/internal-chat/participants/")
def list_participants():
    caller, query, provedor_id = auth.scoped(app, RoomScoped)
    room = access.room(caller, provedor_id, query.room)
    page = request.query(app, PageParams)
    partition = store.participants_of(provedor_id, room["id"])
    return paginate(app, partition, page, int(room.get("participant_count") or 0), rooms.shown_participants)


@app.post("/api/internal-chat/participants/")
def add_participant():
    caller, provedor_id = _caller()
    body = request.body(app, ParticipantCreate)
    room = access.room(caller, provedor_id, body.room, consistent=True)
    access.require_manager(caller, room)
    return json_response(201, views.participants([rooms.add(provedor_id, room, body.user, body.role)])[0])


def _participant(caller: Principal, provedor_id: int, raw_id: str) -> tuple[Any, Any]:
    """A participant of a room the caller sees, and that room (404 for any other, as for none)."""
    participant = store.participant_by_id(provedor_id, request.object_id(raw_id, PARTICIPANT_NOT_FOUND))
    if participant is None:
        raise NotFound(PARTICIPANT_NOT_FOUND)
    try:
        return participant, access.room(caller, provedor_id, int(participant["room_id"]), consistent=True)
    except NotFound:
        raise NotFound(PARTICIPANT_NOT_FOUND) from None


@app.get("/api/internal-chat/participants/<participant_id>/")
def get_participant(participant_id: str):
    caller, provedor_id = _caller()
    participant, _ = _participant(caller, provedor_id, participant_id)
    return views.participants([participant])[0]


@app.delete("/api/internal-chat/participants/<participant_id>/")
def remove_participant(participant_id: str):
    caller, provedor_id = _caller()
    participant, room = _participant(caller, provedor_id, participant_id)
    if int(participant["user_id"]) != caller.user_id:
        access.require_manager(caller, room)
    rooms.remove(provedor_id, participant)
    return no_content()


# -- room messages ---------------------------------------------------------------------------------------
def _page_of(window: tuple[Any, int] | None) -> Any:
    if window is None:
        return {"count": 0, "next": None, "previous": None, "results": []}
    partition, count = window
    root = api_root(app)
    return paginate(app, partition, request.query(app, PageParams), count, lambda items: views.messages(items, root))


@app.get("/api/internal-chat/messages/")
def list_room_messages():
    caller, query, provedor_id = auth.scoped(app, MessageWindow)
    return _page_of(chat_messages.window(caller, provedor_id, query.room, query.before, query.after))


@app.post("/api/internal-chat/messages/")
def post_room_message():
    caller, provedor_id = _caller()
    body, upload = _posted(RoomText, RoomFileForm)
    return _message(chat_messages.post(caller, provedor_id, body.room, body.content, body.reply_to, upload), 201)


@app.post("/api/internal-chat/messages/mark_read/")
def mark_room_read():
    caller, provedor_id = _caller()
    body = request.body(app, MarkRoomRead)
    return chat_messages.mark_read(caller, provedor_id, body.room, body.up_to)


def _read_one(message_id: str) -> Response:
    caller, provedor_id = _caller()
    message, _ = access.message(caller, provedor_id, _message_id(message_id))
    return _message(message)


def _edit(message_id: str) -> Response:
    caller, provedor_id = _caller()
    body = request.body(app, Edit)
    return _message(chat_messages.edit(caller, provedor_id, _message_id(message_id), body.content))


def _delete(message_id: str) -> Response:
    caller, provedor_id = _caller()
    return _message(chat_messages.delete(caller, provedor_id, _message_id(message_id)))


def _react(message_id: str) -> Response:
    caller, provedor_id = _caller()
    body = request.body(app, React)
    return _message(chat_messages.react(caller, provedor_id, _message_id(message_id), body.emoji))


def _file(message_id: str) -> Response:
    caller, provedor_id = _caller()
    return _file_redirect(chat_messages.file_of(caller, provedor_id, _message_id(message_id)))


def _on(name: str, action: Callable[[str], Response]) -> Callable[..., Response]:
    """`action` for the path parameter `name` (room and private messages name their ids apart)."""
    return lambda **params: action(params[name])


for area, key in (("internal-chat/messages", "chat_message_id"), ("private-messages", "private_message_id")):
    app.get(f"/api/{area}/<{key}>/")(_on(key, _read_one))
    app.patch(f"/api/{area}/<{key}>/")(_on(key, _edit))
    app.delete(f"/api/{area}/<{key}>/")(_on(key, _delete))
    app.post(f"/api/{area}/<{key}>/react/")(_on(key, _react))
    app.get(f"/api/{area}/<{key}>/file/")(_on(key, _file))


# -- private messages -------------------------------------------------------------------------------------
@app.get("/api/private-messages/")
def list_private_messages():
    caller, query, provedor_id = auth.scoped(app, PrivateWindow)
    return _page_of(private.window(caller, provedor_id, query.user, query.before, query.after))


@app.post("/api/private-messages/")
def send_private_message():
    caller, provedor_id = _caller()
    body, upload = _posted(PrivateText, PrivateFileForm)
    return _message(private.send(caller, provedor_id, body.recipient, body.content, body.reply_to, upload), 201)


@app.post("/api/private-messages/mark_read/")
def mark_private_read():
    caller, provedor_id = _caller()
    body = request.body(app, MarkPrivateRead)
    return private.mark_read(caller, provedor_id, body.user)


# -- unread counts ----------------------------------------------------------------------------------------
@app.get("/api/internal-chat-unread-count/")
def rooms_unread_count():
    caller, provedor_id = _caller()
    return {"total_unread": unread.rooms(provedor_id, caller.user_id)[0]}


@app.get("/api/internal-chat-unread-by-user/")
def rooms_unread_by_user():
    caller, provedor_id = _caller()
    return unread.rooms(provedor_id, caller.user_id)[1]


@app.get("/api/private-unread-counts/")
def private_unread_counts():
    caller, provedor_id = _caller()
    return unread.private_by_sender(provedor_id, caller.user_id)


lambda_handler = lambda_handler_for(app)
