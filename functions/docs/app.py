"""The API's contract (no auth): the OpenAPI document and Swagger UI, with Swagger UI's assets shipped in this
function (swagger-ui/ links into the npm package swagger-ui-dist; the asset copies the files), never a CDN.

openapi.json is generated from the code by `make contract` (infra/contract); it is served with this API's
own URL as its server, so "Try it out" calls the API the page came from (the stage included on AWS).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import Response

from niochat.errors import NotFound
from niochat.http.app import create_app, json_response, lambda_handler_for
from niochat.http.urls import api_root

HERE = Path(__file__).parent
ASSETS = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "application/javascript"}
PAGE = """<!doctype html>
<html lang="pt-BR">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>NioChat API</title>
  <link rel="stylesheet" href="swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({url: "../openapi.json", dom_id: "#swagger-ui", deepLinking: true,
                                 persistAuthorization: true});
  </script>
</body>
</html>
"""
app = create_app()


@cache
def _document() -> dict[str, Any]:
    return json.loads((HERE / "openapi.json").read_text(encoding="utf-8"))


@cache
def _asset(name: str) -> str:
    return (HERE / "swagger-ui" / name).read_text(encoding="utf-8")


@app.get("/api/openapi.json")
def get_openapi():
    document = _document()
    server = {"url": api_root(app), "description": "This API"}
    return json_response(200, {**document, "servers": [server]}, {"Cache-Control": "no-cache"})


@app.get("/api/docs/")
def get_swagger_ui():
    return Response(status_code=200, content_type="text/html; charset=utf-8", body=PAGE)


@app.get("/api/docs/<asset>")
def get_asset(asset: str):
    if asset not in ASSETS:
        raise NotFound("Arquivo não encontrado")
    kind, headers = f"{ASSETS[asset]}; charset=utf-8", {"Cache-Control": "public, max-age=86400"}
    return Response(status_code=200, content_type=kind, body=_asset(asset), headers=headers)


lambda_handler = lambda_handler_for(app)
