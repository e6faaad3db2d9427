"""System endpoints: health and changelog (no auth)."""

from __future__ import annotations

from pathlib import Path

from niochat.http.app import create_app, json_response, lambda_handler_for
from niochat.system import changelog, health

CHANGELOG = Path(__file__).with_name("CHANGELOG.md")
app = create_app()


@app.get("/api/health/")
def get_health():
    report = health.check()
    return json_response(200 if report["status"] == "ok" else 503, report)


@app.get("/api/changelog/")
def get_changelog():
    return changelog.read(CHANGELOG)


lambda_handler = lambda_handler_for(app)
