"""The running local stack: its parts, started and stopped in order.

Start (the caller holds the data dir's lock): moto → environment → table and bucket → snapshot loaded and
journal replayed over it → a new journal generation (every write from here on is journaled) → stream pump
(at LATEST, so the restore is not replayed) → seed → the timers' ticker → the HTTP app, while a worker per
function warms up.
Stop: refuse new work → close WebSockets ($disconnect runs) → stop the ticker → stop the pump → stop serving → stop the
workers → compact (a new snapshot; the journal it holds is deleted) → moto. A stop that never gets to
compact loses nothing: the journal is replayed on the next start.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

from aiohttp import web

from infra import routes, stream_filter
from infra.local import aws, console, gateway, journal, seed
from infra.local.config import Config
from infra.local.journal import Journal
from infra.local.snapshot import Counts, Snapshot
from infra.local.stream import BatchDelivery, Consumer, FailureLog, StreamPump
from infra.local.ticker import Ticker
from infra.local.websocket import WebSocketApi
from infra.local.workers import Workers
from infra.moto_patches import atomic, s3

log = logging.getLogger(__name__)


class LocalStack:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.closing = False
        self.loaded: Counts | None = None
        self.replayed = 0
        self.saved: Counts | None = None
        self.seeded: seed.SeedResult | None = None
        self._compaction_due = threading.Event()
        self._compaction_lock = threading.Lock()
        self._stopping = threading.Event()

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
        self.journal = Journal(config.data_dir / "journal", config.journal_max_bytes, self._compaction_due.set)
        self._restore(settings.table_name, settings.media_bucket)
        self.journal.open()
        self._compactor = threading.Thread(target=self._compact_when_due, name="compactor", daemon=True)
        self._compactor.start()

        self.functions = Workers(config.workers_per_function)
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
            wanted=stream_filter.matches,
            also=(
                Consumer(
                    lambda record: stream_filter.matches(record, stream_filter.ASSISTANT_PATTERNS),
                    BatchDelivery(
                        lambda event: self.functions.call(routes.ASSISTANT_FUNCTION, event),
                        FailureLog(config.data_dir / "assistant-failures.jsonl"),
                        batch_size=10,
                        wait=stop.wait,
                    ),
                ),
            ),
        )
        self.pump.start("LATEST")
        atomic.listen(self._nudge_pump)
        self.seeded = seed.seed(config)
        self.ticker = Ticker(lambda event: self.functions.call(routes.TIMERS_FUNCTION, event), config.timer_seconds)
        self.ticker.start()
        # One warm worker per function, started while the API already answers (a request that comes first
        # starts its function's worker itself).
        if config.warm:
            threading.Thread(
                target=self.functions.preload, args=(routes.functions(),), name="warm", daemon=True
            ).start()
        self.websockets = WebSocketApi(self.functions, lambda: self.closing)
        self.console = console.ConsoleSite(config.console_dir)
        self.gateway = gateway.RestGateway(self.functions, lambda: self.closing, fallback=self.console.page)

    def _nudge_pump(self, changes: list[atomic.Change]) -> Callable[[], None] | None:
        """The write boundary's listener: a request that changed items nudges the pump once its answer is
        on its way (its stream records are in by then)."""
        return self.pump.nudge if any(isinstance(change, atomic.ItemChange) for change in changes) else None

    def _restore(self, table_name: str, bucket: str) -> None:
        if self.snapshot.exists():
            self.loaded = self.snapshot.load()
            log.info(
                "loaded %d items and %d objects from %s", self.loaded.items, self.loaded.objects, self.snapshot.path
            )
        self.replayed = self.journal.replay(
            self.snapshot.journal_generation(), lambda record, blobs: journal.restore(record, blobs, table_name, bucket)
        )
        if self.replayed:
            log.info("replayed %d journaled writes from %s", self.replayed, self.journal.folder)
            if self.loaded is None:
                self.loaded = Counts(0, 0)
        aws.drop_stream_records(table_name)  # the pump starts after the restore: its records go unread

    def compact(self) -> Counts:
        """Save a snapshot of now and drop the journal generations it holds (the API keeps serving)."""
        with self._compaction_lock:
            with atomic.lock, s3.lock:  # a moment between two writes
                generation = self.journal.rotate()
            counts = self.snapshot.save(generation)
            self.journal.discard_before(generation)
            return counts

    def _compact_when_due(self) -> None:
        while self._compaction_due.wait() and not self._stopping.is_set():
            self._compaction_due.clear()
            try:
                counts = self.compact()
                log.info("journal compacted into a snapshot of %d items and %d objects", counts.items, counts.objects)
            except Exception:
                log.exception("journal compaction failed (nothing is lost: the journal stays)")

    def app(self) -> web.Application:
        app = web.Application(client_max_size=gateway.MAX_BODY_BYTES)
        app.add_routes(self.websockets.routes())
        app.add_routes(self.console.routes())
        app.add_routes(self.gateway.routes())  # last: the catch-all
        return app

    async def shutdown(self, runner: web.BaseRunner) -> None:
        loop = asyncio.get_running_loop()
        self.closing = True
        await self.websockets.close_all()
        # The pump may be posting to @connections: keep serving until it has stopped.
        await loop.run_in_executor(None, self.ticker.stop)
        atomic.unlisten(self._nudge_pump)
        await loop.run_in_executor(None, self.pump.stop)
        await runner.cleanup()
        await loop.run_in_executor(None, self.functions.close)
        self._stopping.set()
        self._compaction_due.set()  # wakes the compactor, which exits
        try:
            self.saved = await loop.run_in_executor(None, self.compact)
        finally:
            self.journal.close()
            self.aws.stop()
