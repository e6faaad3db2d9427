"""Every function in worker processes of its own, as each Lambda function runs in sandboxes of its own.

A worker is a process that imports one function (through `infra.local.functions.Functions`, as Lambda's
runtime imports the handler) and then runs one invocation at a time, kept warm between them. No other
function's module state can reach it: Powertools keeps the current event in class attributes shared by every
resolver of a process (`BaseRouter.current_event`), so two functions' handlers in one process can read each
other's events; here they never share one.

- A function's first worker starts at `preload` (or on its first request); more start when every worker of
  the function is busy, up to `max_workers` (Lambda's concurrency), and a request waits for a free one past
  that. Workers fork from a server that has imported boto3, Powertools and pydantic already, so a new one
  costs the function's own import.
- Handlers reach the embedded AWS over HTTP (`AWS_ENDPOINT_URL`), as on AWS; events and results cross the
  process boundary pickled through a pipe.
- A worker ignores SIGINT/SIGTERM (a terminal or a process manager signals the whole group): the stack
  stops its workers itself after draining requests, and a worker whose stack is gone exits (its pipe closes).
- A worker that dies (or runs past `HUNG_AFTER`) fails its invocation with an error and is replaced.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import signal
import threading
import time
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from infra.lambda_runtime import FUNCTIONS_DIR, FunctionMissing
from infra.local.functions import Functions

log = logging.getLogger(__name__)

# Longer than any function's Lambda timeout (60 s at most): a worker still busy then is stuck.
HUNG_AFTER = 90.0
# Imported once by the fork server, shared by every worker forked from it (nothing here opens a socket or
# starts a thread at import: clients and settings are made on first use, in the worker).
PRELOAD = ["infra.local.workers", "boto3", "botocore.session", "pydantic", "niochat.http.app", "niochat.store.table"]


class WorkerFailed(RuntimeError):
    """The worker died or hung during the invocation (the handler's own exceptions are FunctionFailed)."""


class FunctionFailed(RuntimeError):
    """The handler raised (or failed to import); the message holds the worker's traceback."""


def _serve(name: str, folder: str, conn: Connection) -> None:
    """A worker's life: import the function, say so, then run invocations until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # Functions.invoke (its thread pool) is the parent's business: here every call runs in this thread.
    functions = Functions(ThreadPoolExecutor(max_workers=1), Path(folder))
    try:
        functions.module(name)
        conn.send(("ready", None))
    except FunctionMissing:
        conn.send(("missing", None))
        return
    except Exception:
        conn.send(("failed", traceback.format_exc()))
        return
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the stack is gone
        if message is None:
            return
        request_id, event = message
        try:
            reply: tuple[str, Any] = ("ok", functions.call(name, event, request_id))
        except Exception:
            reply = ("error", traceback.format_exc())
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
        except Exception:  # an answer that can't be pickled
            conn.send(("error", traceback.format_exc()))


class _Worker:
    def __init__(self, name: str, process: BaseProcess, conn: Connection) -> None:
        self.name = name
        self.process = process
        self.conn = conn

    def _receive(self, timeout: float) -> tuple[str, Any]:
        try:
            if not self.conn.poll(timeout):
                self.kill()
                raise WorkerFailed(f"function {self.name}: no answer within {timeout:.0f} s (worker killed)")
            status, value = self.conn.recv()
        except (EOFError, OSError) as error:
            self.kill()
            raise WorkerFailed(f"function {self.name}: its worker died (exit code {self.process.exitcode})") from error
        return status, value

    def ready(self) -> None:
        status, value = self._receive(HUNG_AFTER)
        if status == "missing":
            raise FunctionMissing(self.name)
        if status != "ready":
            raise FunctionFailed(f"function {self.name} failed to import:\n{value}")

    def invoke(self, event: dict[str, Any], request_id: str) -> Any:
        try:
            self.conn.send((request_id, event))
        except (BrokenPipeError, OSError) as error:
            self.kill()
            raise WorkerFailed(f"function {self.name}: its worker died") from error
        status, value = self._receive(HUNG_AFTER)
        if status != "ok":
            raise FunctionFailed(f"function {self.name} raised:\n{value}")
        return value

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self, timeout: float) -> None:
        with contextlib.suppress(BrokenPipeError, OSError):
            self.conn.send(None)
        self.process.join(timeout)
        self.kill()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()


class _Pool:
    """One function's workers: idle ones are reused (the warmest first), new ones start up to a limit."""

    def __init__(self, name: str, max_workers: int, start: Any) -> None:
        self.name = name
        self.max_workers = max_workers
        self._start = start
        self._idle: list[_Worker] = []
        self._count = 0
        self._changed = threading.Condition()
        self.closed = False

    def acquire(self) -> _Worker:
        with self._changed:
            while True:
                if self.closed:
                    raise WorkerFailed(f"function {self.name}: the local stack is stopping")
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive:
                        return worker
                    self._count -= 1
                if self._count < self.max_workers:
                    self._count += 1
                    break
                self._changed.wait()
        started: _Worker | None = None
        try:
            started = self._start(self.name)
            started.ready()
            return started
        except BaseException:
            if started is not None:
                started.kill()
            with self._changed:
                self._count -= 1
                self._changed.notify()
            raise

    def release(self, worker: _Worker, healthy: bool) -> None:
        with self._changed:
            if healthy and not self.closed:
                self._idle.append(worker)
            else:
                self._count -= 1
                if not healthy:
                    worker.kill()
            self._changed.notify()
        if self.closed and healthy:
            worker.stop(1.0)

    def close(self, timeout: float) -> None:
        with self._changed:
            self.closed = True
            idle, self._idle = self._idle, []
            self._changed.notify_all()
        for worker in idle:
            worker.stop(timeout)


class Workers:
    """The functions, each in worker processes of its own; the interface of `Functions` (call, invoke,
    preload) for the gateway, the WebSocket API and the stream pump."""

    def __init__(self, max_workers: int, folder: Path = FUNCTIONS_DIR) -> None:
        self.max_workers = max_workers
        self._folder = folder
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)
        self._pools: dict[str, _Pool] = {}
        self._gates: dict[str, asyncio.Semaphore] = {}
        self._lock = threading.Lock()
        # Threads only run invocations that have a worker's turn (the gates queue the rest on the loop).
        self._executor = ThreadPoolExecutor(max_workers=64, thread_name_prefix="invoke")

    def _start(self, name: str) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_serve, args=(name, str(self._folder), child), name=f"niochat-fn-{name}", daemon=True
        )
        process.start()
        child.close()
        return _Worker(name, process, parent)

    def _pool(self, name: str) -> _Pool:
        with self._lock:
            pool = self._pools.get(name)
            if pool is None:
                pool = self._pools[name] = _Pool(name, self.max_workers, self._start)
            return pool

    def preload(self, names: tuple[str, ...]) -> None:
        """Start one warm worker per function, in parallel; a function that fails to import is logged and
        tried again on its first request."""

        def warm(name: str) -> None:
            try:
                pool = self._pool(name)
                pool.release(pool.acquire(), healthy=True)
            except FunctionMissing:
                log.warning("function %r has no %s yet: its routes answer 501", name, self._folder / name / "app.py")
            except Exception:
                log.exception("function %r failed to start", name)

        started = time.monotonic()
        threads = [threading.Thread(target=warm, args=(name,), name=f"warm-{name}") for name in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        log.info("%d function workers warm in %.1f s", len(names), time.monotonic() - started)

    def call(self, name: str, event: dict[str, Any], request_id: str | None = None) -> Any:
        """Invoke the function in one of its workers (blocking this thread until it answers)."""
        if not (self._folder / name / "app.py").is_file():
            raise FunctionMissing(name)
        pool = self._pool(name)
        worker = pool.acquire()
        healthy = False
        try:
            result = worker.invoke(event, request_id or str(uuid.uuid4()))
            healthy = True
            return result
        except FunctionFailed:
            healthy = True  # the handler raised: its worker goes on, as a Lambda sandbox does
            raise
        finally:
            pool.release(worker, healthy)

    async def invoke(self, name: str, event: dict[str, Any], request_id: str | None = None) -> Any:
        """Invoke the function without blocking the event loop; requests past its workers wait here."""
        gate = self._gates.setdefault(name, asyncio.Semaphore(self.max_workers))
        async with gate:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, self.call, name, event, request_id)

    def close(self, timeout: float = 5.0) -> None:
        """Stop every worker (after the requests are drained)."""
        with self._lock:
            pools = list(self._pools.values())
        for pool in pools:
            pool.close(timeout)
        self._executor.shutdown(wait=False, cancel_futures=True)
