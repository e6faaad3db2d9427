"""Contacts endpoints: list/search, create, read, replace, patch, delete."""

from __future__ import annotations

from niochat import tenancy
from niochat.contacts import service, views
from niochat.contacts.models import ContactCreate, ContactPatch, ContactQuery, ContactReplace
from niochat.http import auth, request
from niochat.http.app import create_app, json_response, lambda_handler_for, no_content
from niochat.http.pagination import PageParams, paginate

app = create_app()


def _contact_id(raw: str) -> int:
    return request.object_id(raw, service.NOT_FOUND)


def _scope(caller) -> int:
    return tenancy.for_read(caller, request.query(app, ContactQuery).provedor)


@app.get("/api/contacts/")
def list_contacts():
    caller = auth.principal(app)
    params = request.query(app, ContactQuery)
    listing = service.listing(tenancy.for_read(caller, params.provedor), params.search)
    page = request.query(app, PageParams)
    return paginate(
        app, listing.partition, page, listing.total, lambda items: [views.contact(c) for c in listing.resolve(items)]
    )


@app.post("/api/contacts/")
def create_contact():
    caller = auth.principal(app)
    service.require_editor(caller)
    body = request.body(app, ContactCreate)
    contact = service.create(caller, tenancy.for_write(caller, body.provedor), body)
    return json_response(201, views.contact(contact))


@app.get("/api/contacts/<contact_id>/")
def get_contact(contact_id: str):
    caller = auth.principal(app)
    return views.contact(service.get(_scope(caller), _contact_id(contact_id)))


@app.put("/api/contacts/<contact_id>/")
def replace_contact(contact_id: str):
    caller = auth.principal(app)
    service.require_editor(caller)
    body = request.body(app, ContactReplace)
    return views.contact(service.update(caller, _scope(caller), _contact_id(contact_id), body))


@app.patch("/api/contacts/<contact_id>/")
def patch_contact(contact_id: str):
    caller = auth.principal(app)
    service.require_editor(caller)
    body = request.body(app, ContactPatch)
    return views.contact(service.update(caller, _scope(caller), _contact_id(contact_id), body))


@app.delete("/api/contacts/<contact_id>/")
def delete_contact(contact_id: str):
    caller = auth.principal(app)
    service.delete(caller, _scope(caller), _contact_id(contact_id))
    return no_content()


lambda_handler = lambda_handler_for(app)
