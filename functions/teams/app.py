"""Teams and team-members endpoints."""

from __future__ import annotations

from niochat import tenancy
from niochat.http import auth, request
from niochat.http.app import create_app, json_response, lambda_handler_for, no_content
from niochat.http.pagination import PageParams, paginate
from niochat.teams import service, views
from niochat.teams.models import MemberCreate, MemberQuery, TeamCreate, TeamPatch, TeamQuery, TeamReplace

app = create_app()


def _team_id(raw: str) -> int:
    return request.object_id(raw, "Equipe não encontrada")


def _scope(caller) -> int:
    return tenancy.for_read(caller, request.query(app, TeamQuery).provedor)


@app.get("/api/teams/")
def list_teams():
    caller = auth.principal(app)
    provedor_id = _scope(caller)
    page = request.query(app, PageParams)
    return paginate(
        app,
        service.partition(provedor_id),
        page,
        service.count(provedor_id),
        lambda items: [views.team(i) for i in items],
    )


@app.post("/api/teams/")
def create_team():
    caller = auth.principal(app)
    service.require_admin(caller)
    body = request.body(app, TeamCreate)
    return json_response(201, views.team(service.create(caller, tenancy.for_write(caller, body.provedor), body)))


@app.get("/api/teams/<team_id>/")
def get_team(team_id: str):
    caller = auth.principal(app)
    return views.team(service.get(_scope(caller), _team_id(team_id)))


@app.put("/api/teams/<team_id>/")
def replace_team(team_id: str):
    caller = auth.principal(app)
    service.require_admin(caller)
    body = request.body(app, TeamReplace)
    return views.team(service.update(caller, _scope(caller), _team_id(team_id), body))


@app.patch("/api/teams/<team_id>/")
def patch_team(team_id: str):
    caller = auth.principal(app)
    service.require_admin(caller)
    body = request.body(app, TeamPatch)
    return views.team(service.update(caller, _scope(caller), _team_id(team_id), body))


@app.delete("/api/teams/<team_id>/")
def delete_team(team_id: str):
    caller = auth.principal(app)
    service.delete(caller, _scope(caller), _team_id(team_id))
    return no_content()


@app.get("/api/team-members/")
def list_members():
    caller = auth.principal(app)
    params = request.query(app, MemberQuery)
    members, total = service.members_listing(tenancy.for_read(caller, params.provedor), params.team)
    return paginate(app, members, request.query(app, PageParams), total, views.members)


@app.post("/api/team-members/")
def add_member():
    caller = auth.principal(app)
    service.require_admin(caller)
    body = request.body(app, MemberCreate)
    membership = service.add_member(caller, tenancy.for_write(caller, body.provedor), body)
    return json_response(201, views.member_with_user(membership))


@app.get("/api/team-members/<member_id>/")
def get_member(member_id: str):
    caller = auth.principal(app)
    membership = service.get_member(_scope(caller), request.object_id(member_id, "Membro não encontrado"))
    return views.member_with_user(membership)


@app.delete("/api/team-members/<member_id>/")
def remove_member(member_id: str):
    caller = auth.principal(app)
    service.remove_member(caller, _scope(caller), request.object_id(member_id, "Membro não encontrado"))
    return no_content()


lambda_handler = lambda_handler_for(app)
