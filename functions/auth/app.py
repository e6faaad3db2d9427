"""Auth endpoints: login, logout, me, session timeout."""

from __future__ import annotations

from niochat.auth import service, sessions
from niochat.directory import views
from niochat.http import auth, request
from niochat.http.app import create_app, json_response, lambda_handler_for

app = create_app()


@app.post("/api/auth/login/")
def login():
    from niochat.auth.models import LoginBody  # pydantic: only this route validates a model

    body = request.body(app, LoginBody)
    return {"token": service.login(body.username, body.password, request.source_ip(app))}


@app.post("/api/auth/logout/")
def logout():
    sessions.logout(auth.principal(app))
    return {"message": "Logout realizado com sucesso"}


@app.get("/api/auth/me/")
def me():
    return views.me(service.me(auth.principal(app)))


@app.post("/api/auth/session-timeout/")
def session_timeout():
    caller = auth.principal(app)
    return json_response(200, service.set_session_timeout(caller, request.json_object(app)))


lambda_handler = lambda_handler_for(app)
