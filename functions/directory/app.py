"""Directory endpoints: provedores (superadmin; admins read their own) and users."""

from __future__ import annotations

from niochat import tenancy
from niochat.directory import provedores, users, views
from niochat.directory.models import PasswordChange, ProvedorCreate, ProvedorPatch, UserCreate, UserPatch, UserQuery
from niochat.http import auth, request
from niochat.http.app import create_app, json_response, lambda_handler_for
from niochat.http.pagination import PageParams, paginate

app = create_app()


@app.get("/api/provedores/")
def list_provedores():
    auth.superadmin(app)
    partition, count = provedores.listing()
    page = request.query(app, PageParams)
    return paginate(app, partition, page, count, lambda items: [views.provedor(p) for p in items])


@app.post("/api/provedores/")
def create_provedor():
    auth.superadmin(app)
    body = request.body(app, ProvedorCreate)
    return json_response(201, views.provedor(provedores.create(body)))


@app.get("/api/provedores/<provedor_id>/")
def get_provedor(provedor_id: str):
    caller = auth.admin(app)
    return views.provedor(provedores.get(caller, request.object_id(provedor_id, "Provedor não encontrado")))


@app.patch("/api/provedores/<provedor_id>/")
def patch_provedor(provedor_id: str):
    caller = auth.superadmin(app)
    body = request.body(app, ProvedorPatch)
    return views.provedor(provedores.update(caller, request.object_id(provedor_id, "Provedor não encontrado"), body))


@app.get("/api/users/")
def list_users():
    caller = auth.principal(app)
    listing = users.listing(caller, request.query(app, UserQuery))
    page = request.query(app, PageParams)
    return paginate(
        app, listing.partition, page, listing.total, lambda items: [views.user_for(caller, u) for u in items]
    )


@app.post("/api/users/")
def create_user():
    caller = auth.admin(app)
    body = request.body(app, UserCreate)
    user = users.create(tenancy.for_write(caller, body.provedor), body)
    return json_response(201, views.user(user))


@app.get("/api/users/<user_id>/")
def get_user(user_id: str):
    caller = auth.principal(app)
    return views.user_for(caller, users.get(caller, request.object_id(user_id, "Usuário não encontrado")))


def _editable(caller, raw: str) -> dict:
    return users.editable(caller, request.object_id(raw, users.NOT_FOUND))


@app.patch("/api/users/<user_id>/")
def patch_user(user_id: str):
    caller = auth.principal(app)
    user = _editable(caller, user_id)
    return views.user(users.update(caller, user, request.body(app, UserPatch)))


@app.post("/api/users/<user_id>/set_password/")
def set_password(user_id: str):
    caller = auth.principal(app)
    user = _editable(caller, user_id)
    users.set_password(caller, user, request.body(app, PasswordChange))
    return {"message": "Senha alterada com sucesso"}


lambda_handler = lambda_handler_for(app)
