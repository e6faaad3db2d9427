"""The running local stack: its parts, started and stopped in order.

Start (the caller holds the data dir's lock): moto → environment → table and bucket → snapshot import →
stream pump (at LATEST, so the import is not replayed) → seed → functions imported → the HTTP app.
Stop: refuse new work → close WebSockets ($disconnect runs) → stop the pump → stop serving → save → moto.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from infra import routes
from infra.local import aws, gateway, seed
from infra.local.config import Config
from infra.local.functions import Functions
from infra.local.snapshot import Counts, Snapshot
from infra.local.stream import BatchDelivery, FailureLog, StreamPump
from infra.local.websocket import WebSocketApi

log = logging.getLogger(__name__)


class LocalStack:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.closing = False
        self.loaded: Counts | None = None
        self.saved: Counts | None = None
        self.seeded: seed.SeedResult | None = None

    def start(self) -> None:
        config = self.config
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self.aws = aws.EmbeddedAws(config.moto_port)
        aws.configure_environment(self.aws.start(), config.port)

        from niochat.settings import get_settings  # after the environment is set

        settings = get_settings()
        aws.ensure_table(settings.table_name)
        aws.ensure_bucket(settings.media_bucket)
        self.snapshot = Snapshot(config.data_dir, settings.table_name, settings.media_bucket)
        if self.snapshot.exists():
            self.loaded = self.snapshot.load()
            log.info(
                "loaded %d items and %d objects from %s", self.loaded.items, self.loaded.objects, self.snapshot.path
            )

        self.executor = ThreadPoolExecutor(max_workers=16, thread_name_prefix="handler")
        self.functions = Functions(self.executor)
        stop = threading.Event()
        delivery = BatchDelivery(
            lambda event: self.functions.call(routes.STREAM_FUNCTION, event),
            FailureLog(config.data_dir / "stream-failures.jsonl"),
            wait=stop.wait,
        )
        self.pump = StreamPump(
            aws.client("dynamodbstreams"),
            aws.stream_arn(settings.table_name),
            delivery,
            region=aws.REGION,
            forget_iterator=aws.forget_shard_iterator,
            stop=stop,
            trim=lambda shard_id, sequence: aws.trim_stream(settings.table_name, sequence),
        )
        self.pump.start("LATEST")
        self.seeded = seed.seed(config)
        self.functions.preload(routes.functions())
        self.websockets = WebSocketApi(self.functions, lambda: self.closing)
        self.gateway = gateway.RestGateway(self.functions, lambda: self.closing)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=gateway.MAX_BODY_BYTES)
        app.add_routes(self.websockets.routes())
        app.add_routes(self.gateway.routes())  # last: the catch-all
        return app

    async def shutdown(self, runner: web.BaseRunner) -> None:
        loop = asyncio.get_running_loop()
        self.closing = True
        await self.websockets.close_all()
        # The pump may be posting to @connections: keep serving until it has stopped.
        await loop.run_in_executor(None, self.pump.stop)
        await runner.cleanup()
        await loop.run_in_executor(None, self.executor.shutdown)
        try:
            self.saved = await loop.run_in_executor(None, self.snapshot.save)
        finally:
            self.aws.stop()
