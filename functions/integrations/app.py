"""Integrations of a provedor: the AI assistant's and SGP's settings (admins), and its channels' (whatsapp,
telegram, email, webchat: agents read them without secrets). Secrets are shown masked."""

from __future__ import annotations

from niochat import tenancy
from niochat.errors import NotFound
from niochat.http import auth, request
from niochat.http.app import create_app, lambda_handler_for
from niochat.integrations import channels, settings
from niochat.integrations.models import AiSettingsPatch, SgpSettingsPatch
from niochat.models import ScopeQuery

app = create_app()


@app.get("/api/integrations/ai/")
def get_ai():
    caller = auth.principal(app)
    settings.require_admin(caller)
    return settings.read_ai(tenancy.for_read(caller, request.query(app, ScopeQuery).provedor))


@app.patch("/api/integrations/ai/")
def patch_ai():
    caller = auth.principal(app)
    settings.require_admin(caller)
    body = request.body(app, AiSettingsPatch)
    return settings.update_ai(caller, tenancy.for_read(caller, body.provedor), body)


@app.get("/api/integrations/sgp/")
def get_sgp():
    caller = auth.principal(app)
    settings.require_admin(caller)
    return settings.read_sgp(tenancy.for_read(caller, request.query(app, ScopeQuery).provedor))


@app.patch("/api/integrations/sgp/")
def patch_sgp():
    caller = auth.principal(app)
    settings.require_admin(caller)
    body = request.body(app, SgpSettingsPatch)
    return settings.update_sgp(caller, tenancy.for_read(caller, body.provedor), body)


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
