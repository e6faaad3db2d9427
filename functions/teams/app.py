"""Teams and team-members endpoints."""

from __future__ import annotations

from niochat.http import auth, request
from niochat.http.app import create_app, json_response, lambda_handler_for, no_content
from niochat.http.collection import create_route, item_routes, list_route
from niochat.http.pagination import PageParams, paginate
from niochat.teams import service, views
from niochat.teams.models import MemberCreate, MemberQuery, TeamCreate, TeamPatch, TeamQuery, TeamReplace

app = create_app()

list_route(app, "/api/teams/", service, views.team, TeamQuery)
create_route(app, "/api/teams/", service, views.team, TeamCreate)
item_routes(app, "/api/teams/<team_id>/", service, views.team, (TeamQuery, TeamReplace, TeamPatch))


def _member_id(raw: str) -> int:
    return request.object_id(raw, service.MEMBER_NOT_FOUND)


@app.get("/api/team-members/")
def list_members():
    _, params, provedor_id = auth.scoped(app, MemberQuery)
    members, total = service.members_listing(provedor_id, params.team)
    return paginate(app, members, request.query(app, PageParams), total, views.members)


@app.post("/api/team-members/")
def add_member():
    caller, body, provedor_id = auth.creating(app, MemberCreate, service.require_writer)
    return json_response(201, views.member_with_user(service.add_member(caller, provedor_id, body)))


@app.get("/api/team-members/<member_id>/")
def get_member(member_id: str):
    _, _, provedor_id = auth.scoped(app, TeamQuery)
    return views.member_with_user(service.get_member(provedor_id, _member_id(member_id)))


@app.delete("/api/team-members/<member_id>/")
def remove_member(member_id: str):
    caller, _, provedor_id = auth.scoped(app, TeamQuery)
    service.remove_member(caller, provedor_id, _member_id(member_id))
    return no_content()


lambda_handler = lambda_handler_for(app)
