"""Report endpoints: the dashboard's statistics (two paths, one view), response times by hour, the period
analysis (two paths, one view) and the provedor's report calendar. docs/metrics.md defines every figure."""

from __future__ import annotations

from niochat import tenancy
from niochat.http import auth, request
from niochat.http.app import create_app, lambda_handler_for
from niochat.models import ScopeQuery
from niochat.reports import analysis, calendar_settings, dashboard
from niochat.reports.models import AnalysisQuery, CalendarPatch, HourlyQuery, StatsQuery

app = create_app()


def _scoped(model):
    """The caller, the query and whose figures it reads (the provedor's, or an agent's own)."""
    caller = auth.principal(app)
    query = request.query(app, model)
    return caller, query, dashboard.scope_of(caller, tenancy.for_read(caller, query.provedor))


def _stats():
    caller, query, scope = _scoped(StatsQuery)
    return dashboard.stats(caller, scope, query.days, query.business_hours)


@app.get("/api/dashboard/stats/")
def dashboard_stats():
    return _stats()


@app.get("/api/dashboard-stats/")
def dashboard_stats_alias():
    return _stats()


@app.get("/api/dashboard/response-time-hourly/")
def response_time_hourly():
    _, query, scope = _scoped(HourlyQuery)
    return dashboard.hourly(scope, query.days, query.business_hours)


def _analysis():
    _, query, scope = _scoped(AnalysisQuery)
    return analysis.analysis(scope, query.period, query.business_hours)


@app.get("/api/analysis/")
def period_analysis():
    return _analysis()


@app.get("/api/test-analysis/")
def period_analysis_alias():
    return _analysis()


@app.get("/api/dashboard/settings/")
def get_calendar():
    caller = auth.principal(app)
    return calendar_settings.read(tenancy.for_read(caller, request.query(app, ScopeQuery).provedor))


@app.patch("/api/dashboard/settings/")
def patch_calendar():
    caller = auth.principal(app)
    body = request.body(app, CalendarPatch)
    return calendar_settings.update(caller, tenancy.for_read(caller, body.provedor), body)


lambda_handler = lambda_handler_for(app)
