"""Integrations of a provedor: the AI assistant's and SGP's settings (admins), and its channels' (whatsapp,
telegram, email, webchat: agents read them without secrets). Secrets are shown masked."""

from __future__ import annotations

from niochat import tenancy
from niochat.errors import NotFound
from niochat.http import auth, request
from niochat.http.app import create_app, lambda_handler_for
from niochat.http.documents import settings_routes
from niochat.integrations import channels, settings
from niochat.integrations.models import AiSettingsPatch, SgpSettingsPatch
from niochat.models import ScopeQuery

app = create_app()


settings_routes(
    app, "/api/integrations/ai/", settings.read_ai, settings.update_ai, AiSettingsPatch, settings.require_admin
)
settings_routes(
    app, "/api/integrations/sgp/", settings.read_sgp, settings.update_sgp, SgpSettingsPatch, settings.require_admin
)

CHANNELS = ("whatsapp", "telegram", "email", "webchat")


def _channel(name: str) -> str:
    if name not in CHANNELS:
        raise NotFound("Integração não encontrada")
    return name


@app.get("/api/integrations/<channel>/")
def get_channel(channel: str):
    caller = auth.principal(app)
    name = _channel(channel)
    return channels.read(caller, tenancy.for_read(caller, request.query(app, ScopeQuery).provedor), name)


@app.patch("/api/integrations/<channel>/")
def patch_channel(channel: str):
    caller = auth.principal(app)
    name = _channel(channel)
    channels.require_admin(caller)
    body = request.body(app, channels.model_of(name))
    return channels.update(caller, tenancy.for_read(caller, body.provedor), name, body)  # type: ignore[attr-defined,arg-type]


lambda_handler = lambda_handler_for(app)
