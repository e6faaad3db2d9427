"""The docs function: the OpenAPI document and Swagger UI, with every asset the page loads served from the
function itself (no CDN), without a token."""

from __future__ import annotations

import json
import re

from openapi_spec_validator import validate

from infra.contract import generated


def test_the_document_is_served_without_auth_with_this_apis_url(api):
    response = api.get("/api/openapi.json", headers={"Host": "api.example.com", "X-Forwarded-Proto": "https"})
    assert response.status == 200 and response.headers["content-type"].startswith("application/json")
    document = response.json
    validate(document)
    assert document["servers"] == [{"url": "https://api.example.com", "description": "This API"}]
    committed = generated.files()[generated.OPENAPI]
    assert document["paths"] == json.loads(committed)["paths"]


def test_swagger_ui_loads_only_assets_the_function_serves(api):
    page = api.get("/api/docs/")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    html = page.raw["body"]
    assert "//" not in re.sub(r"<script>.*?</script>", "", html, flags=re.S).replace("<!doctype html>", "")
    assert '"../openapi.json"' in html
    assets = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert sorted(assets) == ["swagger-ui-bundle.js", "swagger-ui.css"]
    kinds = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "application/javascript"}
    for asset in assets:
        response = api.get(f"/api/docs/{asset}")
        assert response.status == 200 and response.headers["content-type"].startswith(kinds[asset])
        assert len(response.raw["body"]) > 100_000  # the real bundle, not a stub
    assert "SwaggerUIBundle" in api.get("/api/docs/swagger-ui-bundle.js").raw["body"]


def test_an_unknown_asset_is_a_404(api):
    response = api.get("/api/docs/index.html")
    assert response.status == 404 and response.json["error"] == "NotFound"
