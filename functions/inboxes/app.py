"""Inboxes endpoints: list, create, read, replace, patch, delete, rotate the webhook secret."""

from __future__ import annotations

from niochat import tenancy
from niochat.http import auth, request
from niochat.http.app import create_app, json_response, lambda_handler_for, no_content
from niochat.http.pagination import PageParams, paginate
from niochat.inboxes import service, views
from niochat.inboxes.models import InboxCreate, InboxPatch, InboxQuery, InboxReplace

app = create_app()


def _scope(caller) -> int:
    return tenancy.for_read(caller, request.query(app, InboxQuery).provedor)


def _id(raw: str) -> int:
    return request.object_id(raw, "Inbox não encontrada")


@app.get("/api/inboxes/")
def list_inboxes():
    caller = auth.principal(app)
    provedor_id = _scope(caller)
    page = request.query(app, PageParams)
    return paginate(
        app,
        service.partition(provedor_id),
        page,
        service.count(provedor_id),
        lambda items: [views.inbox(i) for i in items],
    )


@app.post("/api/inboxes/")
def create_inbox():
    caller = auth.principal(app)
    service.require_admin(caller)
    body = request.body(app, InboxCreate)
    created = service.create(caller, tenancy.for_write(caller, body.provedor), body)
    return json_response(201, views.created(created))


@app.get("/api/inboxes/<inbox_id>/")
def get_inbox(inbox_id: str):
    caller = auth.principal(app)
    return views.inbox(service.get(_scope(caller), _id(inbox_id)))


@app.put("/api/inboxes/<inbox_id>/")
def replace_inbox(inbox_id: str):
    caller = auth.principal(app)
    service.require_admin(caller)
    body = request.body(app, InboxReplace)
    return views.inbox(service.update(caller, _scope(caller), _id(inbox_id), body))


@app.patch("/api/inboxes/<inbox_id>/")
def patch_inbox(inbox_id: str):
    caller = auth.principal(app)
    service.require_admin(caller)
    body = request.body(app, InboxPatch)
    return views.inbox(service.update(caller, _scope(caller), _id(inbox_id), body))


@app.post("/api/inboxes/<inbox_id>/rotate_secret/")
def rotate_secret(inbox_id: str):
    caller = auth.principal(app)
    service.require_admin(caller)
    return views.rotated(service.rotate_secret(caller, _scope(caller), _id(inbox_id)))


@app.delete("/api/inboxes/<inbox_id>/")
def delete_inbox(inbox_id: str):
    caller = auth.principal(app)
    service.delete(caller, _scope(caller), _id(inbox_id))
    return no_content()


lambda_handler = lambda_handler_for(app)
