"""Recovery campaigns: their settings and statistics (the attempts are the timers', the leads the stream's)."""

from __future__ import annotations

from niochat import tenancy
from niochat.http import auth, request
from niochat.http.app import create_app, lambda_handler_for
from niochat.http.documents import document_route
from niochat.recovery import settings, stats
from niochat.recovery.models import RecoveryPatch

app = create_app()


document_route(app, "/api/recovery/stats/", stats.stats, settings.require_admin)
document_route(app, "/api/recovery/settings/", settings.read, settings.require_admin)


@app.post("/api/recovery/settings/<provedor_id>/")
def post_settings(provedor_id: str):
    caller = auth.principal(app)
    settings.require_admin(caller)
    target = tenancy.for_write(caller, request.object_id(provedor_id, "Provedor não encontrado"))
    return settings.update(caller, target, request.body(app, RecoveryPatch))


lambda_handler = lambda_handler_for(app)
