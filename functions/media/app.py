"""Media endpoint: a message's file, after the auth and tenant check, as a redirect to a short-lived S3 link."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from niochat import tenancy
from niochat.http import auth, request
from niochat.http.app import create_app, lambda_handler_for
from niochat.messages import media
from niochat.messages.models import Scope
from niochat.store import bucket

app = create_app()


@app.get("/api/media/messages/<conversation_id>/<file_name>/")
def serve_message_file(conversation_id: str, file_name: str):
    caller = auth.principal(app)
    provedor_id = tenancy.for_read(caller, request.query(app, Scope).provedor)
    conversation = request.object_id(conversation_id, "Arquivo não encontrado")
    key, mime_type = media.file_for(caller, provedor_id, conversation, file_name)
    location = bucket.link(key, mime_type)
    return Response(status_code=302, body="", headers={"Location": location, "Cache-Control": "no-store"})


@app.get("/api/uazapi/file/<file_id>/")
def serve_provider_file(file_id: str):
    """NioChat's path for a file by the provider's message id (Uazapi's, or Evolution's key id)."""
    caller = auth.principal(app)
    provedor_id = tenancy.for_read(caller, request.query(app, Scope).provedor)
    key, mime_type = media.file_by_provider_id(caller, provedor_id, file_id)
    location = bucket.link(key, mime_type)
    return Response(status_code=302, body="", headers={"Location": location, "Cache-Control": "no-store"})


lambda_handler = lambda_handler_for(app)
