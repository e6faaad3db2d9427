"""`GET /api/events/?after=<seq>&limit=<n>`: the realtime events a client missed (niochat.realtime.catchup)."""

from __future__ import annotations

from niochat import tenancy
from niochat.http import auth, request
from niochat.http.app import create_app, lambda_handler_for
from niochat.realtime import catchup

app = create_app()


@app.get("/api/events/")
def list_events():
    caller = auth.principal(app)
    query = request.query(app, catchup.EventsQuery)
    provedor_id = tenancy.for_read(caller, query.provedor)
    return catchup.missed(catchup.member_for(caller, provedor_id), provedor_id, query.after, query.limit)


lambda_handler = lambda_handler_for(app)
