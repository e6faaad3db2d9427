"""The console served by the local stack (infra/local/console.py, wired into the gateway's catch-all): index.html
for the app's paths, long-cached assets, the runtime config, the API's JSON 404 kept, and a 503 that says to run
`make console` when there is no build."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import cast

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from infra.local.console import LONG_CACHE, ConsoleSite, is_console_path
from infra.local.gateway import RestGateway
from infra.local.workers import Workers

INDEX = '<!doctype html><div id="app"></div><script type="module" src="/assets/index-abc.js"></script>'


def _app(dist: Path) -> web.Application:
    site = ConsoleSite(dist)
    # No function is called for these paths (the API ones no function owns answer 404 before any call).
    gateway = RestGateway(cast(Workers, object()), lambda: False, fallback=site.page)
    app = web.Application()
    app.add_routes(site.routes())
    app.add_routes(gateway.routes())
    return app


def _run(dist: Path, check: Callable[[TestClient[web.Request, web.Application]], Awaitable[None]]) -> None:
    async def main() -> None:
        async with TestClient(TestServer(_app(dist))) as client:
            await check(client)

    asyncio.run(main())


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-abc.js").write_text("console.log('niochat')")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path / ".vite").mkdir()
    (tmp_path / ".vite" / "manifest.json").write_text("{}")
    return tmp_path


def test_the_app_is_served_at_root_and_as_the_fallback_of_its_routes(dist: Path) -> None:
    async def check(client: TestClient[web.Request, web.Application]) -> None:
        for path in ("/", "/conversas/12", "/config/usuarios", "/.vite/manifest.json"):
            response = await client.get(path)
            assert response.status == 200, path
            assert response.headers["Content-Type"].startswith("text/html"), path
            assert response.headers["Cache-Control"] == "no-cache"
            assert await response.text() == INDEX
        icon = await client.get("/favicon.svg")
        assert icon.status == 200 and await icon.text() == "<svg/>"

    _run(dist, check)


def test_assets_are_cached_for_a_year_and_a_missing_one_is_a_404(dist: Path) -> None:
    async def check(client: TestClient[web.Request, web.Application]) -> None:
        asset = await client.get("/assets/index-abc.js")
        assert asset.status == 200
        assert asset.headers["Cache-Control"] == LONG_CACHE
        assert "javascript" in asset.headers["Content-Type"]
        assert await asset.text() == "console.log('niochat')"
        missing = await client.get("/assets/index-old.js")
        assert missing.status == 404  # not index.html: a stale page must not run HTML as a script
        escape = await client.get("/assets/..%2F..%2Fetc%2Fpasswd")
        assert escape.status == 404

    _run(dist, check)


def test_the_runtime_config_names_this_origin_and_its_websocket(dist: Path) -> None:
    async def check(client: TestClient[web.Request, web.Application]) -> None:
        response = await client.get("/config.json", headers={"Host": "localhost:8010"})
        assert response.status == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert await response.json() == {"api_url": "", "ws_url": "ws://localhost:8010/ws/dashboard/"}

    _run(dist, check)


def test_api_webhook_and_management_paths_keep_their_own_answers(dist: Path) -> None:
    async def check(client: TestClient[web.Request, web.Application]) -> None:
        for path in ("/api/nao-existe/", "/api", "/ws/outra", "/@connections/x/y"):
            response = await client.get(path)
            assert response.status == 404, path
            assert await response.json() == {"error": "NotFound", "message": "Endpoint não encontrado"}
        posted = await client.post("/conversas/12")
        assert posted.status == 404  # only GET and HEAD fall back to the app

    _run(dist, check)


def test_without_a_build_the_console_paths_say_to_run_make_console(tmp_path: Path) -> None:
    async def check(client: TestClient[web.Request, web.Application]) -> None:
        for path in ("/", "/conversas", "/assets/index-abc.js"):
            response = await client.get(path)
            assert response.status == 503, path
            assert "make console" in await response.text()
        assert (await client.get("/config.json")).status == 200

    _run(tmp_path / "missing", check)


@pytest.mark.parametrize(
    ("path", "console"),
    [("/", True), ("/painel", True), ("/apis", True), ("/api", False), ("/api/x", False), ("/ws/dashboard/", False),
     ("/webhook/evolution-uazapi", False), ("/webhooks/x", False), ("/@connections/a", False)],
)  # fmt: skip
def test_which_paths_are_the_apps(path: str, console: bool) -> None:
    assert is_console_path(path) is console
