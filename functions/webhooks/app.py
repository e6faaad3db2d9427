"""WhatsApp provider webhooks (Uazapi, Evolution API), behind a Lambda Function URL (payload v2.0):
POST /webhook/evolution-uazapi/ and the legacy POST /webhooks/evolution-uazapi/."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import LambdaFunctionUrlResolver, Response
from aws_lambda_powertools.logging import correlation_paths

from niochat.errors import ApiError
from niochat.http import request
from niochat.http.app import answer_errors, json_response, lambda_handler_for, logger
from niochat.webhooks import service

app = LambdaFunctionUrlResolver()
PATHS = ("/webhook/evolution-uazapi", "/webhooks/evolution-uazapi")


def _receive() -> Response:
    event = app.current_event
    headers = event.headers or {}
    secret = (event.query_string_parameters or {}).get("secret") or headers.get("x-webhook-secret")
    header_token = headers.get("apikey") or headers.get("token")
    return json_response(200, service.handle(request.json_object(app), secret, header_token))


for _path in PATHS:
    app.post(_path)(_receive)
    app.post(_path + "/")(_receive)


def _refused(error: ApiError) -> None:
    if error.status == 401:
        logger.warning("webhook refused", extra={"path": app.current_event.path})


# A 5xx makes the provider deliver again; every write of a delivery is idempotent.
answer_errors(app, _refused, "webhook delivery failed")
lambda_handler = lambda_handler_for(app, correlation_paths.LAMBDA_FUNCTION_URL)
