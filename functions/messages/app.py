"""Messages endpoints: list and read a conversation's messages; send text and media, react, delete, retry."""

from __future__ import annotations

from niochat import tenancy
from niochat.http import auth, request
from niochat.http.app import create_app, json_response, lambda_handler_for
from niochat.http.pagination import PageParams, paginate
from niochat.http.urls import api_root
from niochat.messages import access, actions, multipart, outbound, reading, views
from niochat.messages.models import DeleteMessage, MessageQuery, React, Scope, SendMediaForm, SendText
from niochat.settings import get_settings

app = create_app()


def _scope(caller) -> int:
    return tenancy.for_read(caller, request.query(app, Scope).provedor)


def _out(message: dict, status: int = 200):
    return json_response(status, views.message(message, api_root(app)))


@app.get("/api/messages/")
def list_messages():
    caller, query, provedor_id = auth.scoped(app, MessageQuery)
    params = request.query(app, PageParams)
    conversation, partition = reading.window(caller, provedor_id, query)
    if partition is None:
        return {"count": 0, "next": None, "previous": None, "results": []}
    root = api_root(app)
    page = paginate(
        app, partition, params, reading.count(partition), lambda items: [views.message(m, root) for m in items]
    )
    if query.before is None and params.cursor is None and params.page == 1:
        reading.mark_read(caller, provedor_id, conversation)
    return page


@app.get("/api/messages/<message_id>/")
def get_message(message_id: str):
    caller = auth.principal(app)
    message = reading.detail(caller, _scope(caller), request.object_id(message_id, access.MESSAGE_NOT_FOUND))
    return _out(message)


@app.post("/api/messages/send_text/")
def send_text():
    caller = auth.principal(app)
    body = request.body(app, SendText)
    message = outbound.send_text(caller, _scope(caller), body.conversation_id, body.content, body.reply_to_message_id)
    return _out(message, 201)


@app.post("/api/messages/send_media/")
def send_media():
    caller = auth.principal(app)
    headers = {k.lower(): v for k, v in (app.current_event.headers or {}).items()}
    form = multipart.parse(headers.get("content-type", ""), request.raw_body(app), get_settings().media_max_bytes)
    fields = request.validate(SendMediaForm, form.fields)
    upload = multipart.required_file(form, "file")
    return _out(outbound.send_media(caller, _scope(caller), fields, upload), 201)


@app.post("/api/messages/react/")
def react():
    caller = auth.principal(app)
    body = request.body(app, React)
    return _out(actions.react(caller, _scope(caller), body.message_id, body.reaction))


@app.post("/api/messages/delete_message/")
def delete_message():
    caller = auth.principal(app)
    body = request.body(app, DeleteMessage)
    return _out(actions.delete(caller, _scope(caller), body.message_id))


@app.post("/api/messages/<message_id>/retry/")
def retry(message_id: str):
    caller = auth.principal(app)
    return _out(outbound.retry(caller, _scope(caller), request.object_id(message_id, access.MESSAGE_NOT_FOUND)))


lambda_handler = lambda_handler_for(app)
