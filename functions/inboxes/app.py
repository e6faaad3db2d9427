"""Inboxes endpoints: list, create, read, replace, patch, delete, rotate the webhook secret."""

from __future__ import annotations

from niochat.http import auth, request
from niochat.http.app import create_app, lambda_handler_for
from niochat.http.collection import create_route, item_routes, list_route
from niochat.inboxes import service, views
from niochat.inboxes.models import InboxCreate, InboxPatch, InboxQuery, InboxReplace

app = create_app()

list_route(app, "/api/inboxes/", service, views.inbox, InboxQuery)
create_route(app, "/api/inboxes/", service, views.created, InboxCreate)
item_routes(app, "/api/inboxes/<inbox_id>/", service, views.inbox, (InboxQuery, InboxReplace, InboxPatch))


@app.post("/api/inboxes/<inbox_id>/rotate_secret/")
def rotate_secret(inbox_id: str):
    caller, _, provedor_id = auth.scoped(app, InboxQuery, service.require_writer)
    return views.rotated(service.rotate_secret(caller, provedor_id, request.object_id(inbox_id, service.NOT_FOUND)))


lambda_handler = lambda_handler_for(app)
