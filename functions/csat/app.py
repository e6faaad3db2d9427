"""CSAT endpoints: settings, the webhook secret, feedback and its statistics, requests, and the webhook for
answers that arrive outside WhatsApp."""

from __future__ import annotations

from niochat import tenancy
from niochat.csat import answers, listing, settings
from niochat.csat.models import FeedbackQuery, RequestQuery, SettingsPatch, StatsQuery, WebhookAnswer
from niochat.csat.views import feedback as feedback_view
from niochat.domain.csat import Rating
from niochat.errors import AuthenticationError
from niochat.http import auth, request
from niochat.http.app import create_app, json_response, lambda_handler_for
from niochat.http.documents import settings_routes
from niochat.http.pagination import PageParams, paginate
from niochat.http.urls import api_root
from niochat.models import ScopeQuery

app = create_app()
WEBHOOK_REFUSED = "Webhook CSAT não autenticado: informe o segredo em ?secret= ou no cabeçalho X-Webhook-Secret"


def _scope(caller) -> int:
    return tenancy.for_read(caller, request.query(app, ScopeQuery).provedor)


settings_routes(app, "/api/csat/settings/", settings.read, settings.update, SettingsPatch, settings.require_admin)


@app.post("/api/csat/settings/webhook_secret/")
def rotate_webhook_secret():
    caller, _, provedor_id = auth.scoped(app, ScopeQuery, settings.require_admin)
    return json_response(201, settings.rotate_secret(caller, provedor_id, api_root(app)))


@app.get("/api/csat/feedbacks/")
def list_feedbacks():
    caller, query, provedor_id = auth.scoped(app, FeedbackQuery)
    agent = listing.agent_filter(caller, query.agent)
    return paginate(
        app,
        listing.feedback_partition(provedor_id, agent, query),
        request.query(app, PageParams),
        listing.feedback_count(provedor_id, agent, query),
        lambda items: [feedback_view(i) for i in items],
    )


@app.get("/api/csat/feedbacks/stats/")
def feedback_stats():
    caller, query, provedor_id = auth.scoped(app, StatsQuery)
    return listing.stats(provedor_id, listing.agent_filter(caller, query.agent), query.days)


@app.get("/api/csat/feedbacks/<feedback_id>/")
def get_feedback(feedback_id: str):
    caller = auth.principal(app)
    identifier = request.object_id(feedback_id, listing.FEEDBACK_NOT_FOUND)
    return listing.feedback(_scope(caller), caller, identifier)


@app.get("/api/csat/requests/")
def list_requests():
    caller, query, provedor_id = auth.scoped(app, RequestQuery)
    agent = listing.agent_filter(caller, None)
    return paginate(
        app,
        listing.request_partition(provedor_id, agent, query),
        request.query(app, PageParams),
        listing.request_count(provedor_id, agent, query),
        lambda items: listing.render_requests(provedor_id, items),
    )


@app.post("/api/csat/webhook/")
def webhook():
    event = app.current_event
    headers = {k.lower(): v for k, v in (event.headers or {}).items()}
    secret = (event.query_string_parameters or {}).get("secret") or headers.get("x-webhook-secret")
    provedor_id = settings.provedor_of_secret(secret)
    if provedor_id is None:
        raise AuthenticationError(WEBHOOK_REFUSED)
    body = request.body(app, WebhookAnswer)
    answer = answers.from_webhook(provedor_id, body.conversation_id, Rating(body.rating, (body.feedback or "").strip()))
    return json_response(201 if answer.created else 200, feedback_view(answer.feedback))


lambda_handler = lambda_handler_for(app)
