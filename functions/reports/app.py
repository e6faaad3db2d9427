"""Report endpoints: the dashboard's statistics (two paths, one view), response times by hour, the period
analysis (two paths, one view) and the provedor's report calendar. docs/metrics.md defines every figure."""

from __future__ import annotations

from niochat.http import auth
from niochat.http.app import create_app, lambda_handler_for
from niochat.http.documents import settings_routes
from niochat.reports import analysis, calendar_settings, dashboard
from niochat.reports.models import AnalysisQuery, CalendarPatch, HourlyQuery, StatsQuery

app = create_app()


def _scoped(model):
    """The caller, the query and whose figures it reads (the provedor's, or an agent's own)."""
    caller, query, provedor_id = auth.scoped(app, model)
    return caller, query, dashboard.scope_of(caller, provedor_id)


@app.get("/api/dashboard/stats/")
@app.get("/api/dashboard-stats/")
def dashboard_stats():
    caller, query, scope = _scoped(StatsQuery)
    return dashboard.stats(caller, scope, query.days, query.business_hours)


@app.get("/api/dashboard/response-time-hourly/")
def response_time_hourly():
    _, query, scope = _scoped(HourlyQuery)
    return dashboard.hourly(scope, query.days, query.business_hours)


@app.get("/api/analysis/")
@app.get("/api/test-analysis/")
def period_analysis():
    _, query, scope = _scoped(AnalysisQuery)
    return analysis.analysis(scope, query.period, query.business_hours)


settings_routes(app, "/api/dashboard/settings/", calendar_settings.read, calendar_settings.update, CalendarPatch)

lambda_handler = lambda_handler_for(app)
