"""The agents' console (console/, built into console/dist by `make console`) served by the local stack.

- `/config.json`: the runtime config the app reads at start (on AWS the CDK stack deploys the same file next to
  the app): `api_url` "" (the API is on this origin) and `ws_url`, the WebSocket API on the host the browser
  used (localhost, 127.0.0.1 or a LAN address all work).
- `/assets/*`: the build's fingerprinted files, cached for a year (a new build has new names).
- `/`, and every other GET that no function, the WebSocket or the management API owns: index.html (the app
  routes itself), never cached. `/api/…` keeps the gateway's JSON 404.
- Without a build, those paths answer 503 with a text that says to run `make console`.
"""

from __future__ import annotations

import json
from pathlib import Path

from aiohttp import web

from infra import routes
from infra.components.paths import CONSOLE_DIST, CONSOLE_INDEX

LONG_CACHE = "public, max-age=31536000, immutable"
# Paths that are never the console's, even when no function owns them (the gateway answers them).
NOT_CONSOLE = ("/api", "/ws", "/webhook", "/webhooks", "/@connections")
MISSING = (
    "O console do NioChat não foi construído: rode `make console` (ou `make dev`, que o constrói).\n"
    "The NioChat console is not built: run `make console` (or `make dev`, which builds it).\n"
)
_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def is_console_path(path: str) -> bool:
    """Whether an unrouted path belongs to the single-page app (its fallback to index.html)."""
    return not any(path == prefix or path.startswith(prefix + "/") for prefix in NOT_CONSOLE)


def runtime_config(host: str, secure: bool = False) -> dict[str, str]:
    scheme = "wss" if secure else "ws"
    return {"api_url": "", "ws_url": f"{scheme}://{host}{routes.WEBSOCKET_PATH}/"}


class ConsoleSite:
    def __init__(self, dist: Path = CONSOLE_DIST) -> None:
        self.dist = dist

    def built(self) -> bool:
        return (self.dist / CONSOLE_INDEX).is_file()

    def _missing(self) -> web.Response:
        return web.Response(status=503, text=MISSING, headers={"Cache-Control": "no-store", **_HEADERS})

    async def config(self, request: web.Request) -> web.Response:
        body = json.dumps(runtime_config(request.host, request.secure))
        headers = {"Cache-Control": "no-store", **_HEADERS}
        return web.Response(text=body, content_type="application/json", headers=headers)

    def _file(self, relative: str) -> Path | None:
        """A file inside dist/ (never outside it, never a dotfile such as Vite's .vite/manifest.json)."""
        root = self.dist.resolve()
        candidate = (root / relative).resolve()
        if not candidate.is_relative_to(root) or candidate == root:
            return None
        if any(part.startswith(".") for part in candidate.relative_to(root).parts):
            return None
        return candidate if candidate.is_file() else None

    async def asset(self, request: web.Request) -> web.StreamResponse:
        if not self.built():
            return self._missing()
        found = self._file("assets/" + request.match_info["name"])
        if found is None:
            return web.Response(status=404, text="Arquivo não encontrado\n", headers=_HEADERS)
        return web.FileResponse(found, headers={"Cache-Control": LONG_CACHE, **_HEADERS})

    async def page(self, request: web.Request) -> web.StreamResponse:
        """`/` and the SPA fallback: a top-level file of the build when one matches, else index.html."""
        if not self.built():
            return self._missing()
        name = request.path.lstrip("/")
        found = self._file(name) if name and "/" not in name else None
        if found is not None and found.name != CONSOLE_INDEX:
            return web.FileResponse(found, headers={"Cache-Control": "public, max-age=3600", **_HEADERS})
        return web.FileResponse(self.dist / CONSOLE_INDEX, headers={"Cache-Control": "no-cache", **_HEADERS})

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/config.json", self.config),
            web.get("/assets/{name:.+}", self.asset),
            web.get("/", self.page),
        ]
