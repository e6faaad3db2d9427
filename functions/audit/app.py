"""Audit log endpoint (admins only)."""

from __future__ import annotations

from niochat import tenancy
from niochat.audit import service, views
from niochat.audit.service import AuditQuery
from niochat.http import auth, request
from niochat.http.app import create_app, lambda_handler_for
from niochat.http.pagination import PageParams, paginate

app = create_app()


@app.get("/api/audit-logs/")
def list_audit_logs():
    caller = auth.admin(app)
    query = request.query(app, AuditQuery)
    partition, count = service.listing(tenancy.for_read(caller, query.provedor), query)
    return paginate(
        app, partition, request.query(app, PageParams), count, lambda items: [views.entry(i) for i in items]
    )


lambda_handler = lambda_handler_for(app)
