"""Recovery campaigns: their settings and statistics (the attempts are the timers', the leads the stream's)."""

from __future__ import annotations

from niochat import tenancy
from niochat.http import auth, request
from niochat.http.app import create_app, lambda_handler_for
from niochat.models import ScopeQuery
from niochat.recovery import settings, stats
from niochat.recovery.models import RecoveryPatch

app = create_app()


@app.get("/api/recovery/stats/")
def recovery_stats():
    caller = auth.principal(app)
    settings.require_admin(caller)
    return stats.stats(tenancy.for_read(caller, request.query(app, ScopeQuery).provedor))


@app.get("/api/recovery/settings/")
def get_settings():
    caller = auth.principal(app)
    settings.require_admin(caller)
    return settings.read(tenancy.for_read(caller, request.query(app, ScopeQuery).provedor))


@app.post("/api/recovery/settings/<provedor_id>/")
def post_settings(provedor_id: str):
    caller = auth.principal(app)
    settings.require_admin(caller)
    target = tenancy.for_write(caller, request.object_id(provedor_id, "Provedor não encontrado"))
    return settings.update(caller, target, request.body(app, RecoveryPatch))


lambda_handler = lambda_handler_for(app)
