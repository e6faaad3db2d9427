"""Conversations endpoints: list, create, read, patch, and the actions assign, transfer, transfer_to_team,
close, reopen."""

from __future__ import annotations

from niochat import tenancy
from niochat.conversations import listing, search, service, views
from niochat.conversations.models import (
    AssignBody,
    CloseBody,
    ConversationCreate,
    ConversationPatch,
    ConversationQuery,
    TransferBody,
    TransferToTeamBody,
)
from niochat.domain.conversations import Action
from niochat.errors import NotFound, PermissionDenied
from niochat.http import auth, request
from niochat.http.app import create_app, json_response, lambda_handler_for
from niochat.http.pagination import PageParams, paginate_list, paginate_merged

app = create_app()


def _conversation_id(raw: str) -> int:
    return request.object_id(raw, service.NOT_FOUND)


def _one(caller, provedor_id: int, conversation: dict) -> dict:
    return views.render(provedor_id, caller.user_id, [conversation])[0]


@app.get("/api/conversations/")
def list_conversations():
    caller, query, provedor_id = auth.scoped(app, ConversationQuery)
    viewer = service.viewer_for(caller, provedor_id)
    filters = listing.filters_of(query, caller.user_id)
    params = request.query(app, PageParams)

    def render(items: list[dict]) -> list[dict]:
        return views.render(provedor_id, caller.user_id, items)

    if query.search and query.search.strip():
        found = search.matches(viewer, provedor_id, filters, query.search)
        return paginate_list(app, found, params, render)
    parts = listing.partitions(viewer, provedor_id, filters)
    return paginate_merged(app, parts, params, listing.count(viewer, provedor_id, filters, parts), render)


@app.post("/api/conversations/")
def create_conversation():
    caller = auth.principal(app)
    if not caller.is_admin:
        raise PermissionDenied("Apenas administradores criam conversas pela API")
    body = request.body(app, ConversationCreate)
    provedor_id = tenancy.for_write(caller, body.provedor)
    conversation = service.create(provedor_id, body.contact, body.inbox, caller, body.additional_attributes)
    return json_response(201, _one(caller, provedor_id, conversation))


@app.get("/api/conversations/<conversation_id>/")
def get_conversation(conversation_id: str):
    caller, _, provedor_id = auth.scoped(app, ConversationQuery)
    viewer = service.viewer_for(caller, provedor_id)
    conversation = service.get_visible(viewer, provedor_id, _conversation_id(conversation_id))
    return _one(caller, provedor_id, conversation)


@app.patch("/api/conversations/<conversation_id>/")
def patch_conversation(conversation_id: str):
    caller, _, provedor_id = auth.scoped(app, ConversationQuery)
    body = request.body(app, ConversationPatch)
    conversation, _ = service.patch(
        caller,
        provedor_id,
        _conversation_id(conversation_id),
        body.status,
        body.additional_attributes,
    )
    return _one(caller, provedor_id, conversation)


ACTIONS = {
    "assign": (Action.ASSIGN, AssignBody),
    "transfer": (Action.TRANSFER, TransferBody),
    "transfer_to_team": (Action.TRANSFER_TO_TEAM, TransferToTeamBody),
    "close": (Action.CLOSE, CloseBody),
    "reopen": (Action.REOPEN, None),
}


@app.post("/api/conversations/<conversation_id>/<action_name>/")
def run_action(conversation_id: str, action_name: str):
    caller, _, provedor_id = auth.scoped(app, ConversationQuery)
    if action_name not in ACTIONS:
        raise NotFound("Endpoint não encontrado")
    action, model = ACTIONS[action_name]
    body = request.body(app, model).model_dump() if model else {}
    body.pop("team_name", None)
    conversation, message = service.act(caller, provedor_id, _conversation_id(conversation_id), action, **body)
    return {"success": True, "message": message, "conversation": _one(caller, provedor_id, conversation)}


lambda_handler = lambda_handler_for(app)
