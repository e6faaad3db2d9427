"""Contacts endpoints: list/search, create, read, replace, patch, delete."""

from __future__ import annotations

from niochat.contacts import service, views
from niochat.contacts.models import ContactCreate, ContactPatch, ContactQuery, ContactReplace
from niochat.http import auth, request
from niochat.http.app import create_app, lambda_handler_for
from niochat.http.collection import create_route, item_routes
from niochat.http.pagination import PageParams, paginate

app = create_app()


@app.get("/api/contacts/")
def list_contacts():
    _, params, provedor_id = auth.scoped(app, ContactQuery)
    listing = service.listing(provedor_id, params.search)
    page = request.query(app, PageParams)
    return paginate(
        app, listing.partition, page, listing.total, lambda items: [views.contact(c) for c in listing.resolve(items)]
    )


create_route(app, "/api/contacts/", service, views.contact, ContactCreate)
item_routes(app, "/api/contacts/<contact_id>/", service, views.contact, (ContactQuery, ContactReplace, ContactPatch))

lambda_handler = lambda_handler_for(app)
