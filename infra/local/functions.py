"""The functions: each `functions/<name>/app.py` loaded by path (infra.lambda_runtime.load_function), and its
`lambda_handler` invoked like Lambda.

One function runs one invocation at a time (a single warm execution environment): handlers keep per-
invocation state in module globals (the resolver's current event, the batch processor), as they may on
Lambda.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from concurrent.futures import Executor
from pathlib import Path
from types import ModuleType
from typing import Any

from infra import lambda_runtime

log = logging.getLogger(__name__)


class Functions:
    def __init__(self, executor: Executor, folder: Path = lambda_runtime.FUNCTIONS_DIR) -> None:
        self._executor = executor
        self._folder = folder
        self._modules: dict[str, ModuleType] = {}
        self._locks: dict[str, threading.Lock] = {}
        # Requests queue here, not in the thread pool, so one busy function can't take every thread.
        self._queues: dict[str, asyncio.Lock] = {}
        self._load_lock = threading.Lock()

    def preload(self, names: tuple[str, ...]) -> None:
        """Import every function now (a warm start); a function that fails to import is logged and tried
        again on its first request."""
        for name in names:
            try:
                self.module(name)
            except lambda_runtime.FunctionMissing:
                log.warning("function %r has no %s yet: its routes answer 501", name, self._path(name))
            except Exception:
                log.exception("function %r failed to import", name)

    def module(self, name: str) -> ModuleType:
        with self._load_lock:
            if name not in self._modules:
                self._modules[name] = self._load(name)
                self._locks[name] = threading.Lock()
            return self._modules[name]

    def _path(self, name: str) -> Path:
        return lambda_runtime.function_path(name, self._folder)

    def _load(self, name: str) -> ModuleType:
        module = lambda_runtime.load_function(name, self._folder)
        log.debug("loaded function %s from %s", name, self._path(name))
        return module

    def call(self, name: str, event: dict[str, Any], request_id: str | None = None) -> Any:
        """Invoke the function's lambda_handler in this thread (blocking)."""
        module = self.module(name)
        with self._locks[name]:
            context = lambda_runtime.LambdaContext(name, request_id or str(uuid.uuid4()))
            return module.lambda_handler(event, context)

    async def invoke(self, name: str, event: dict[str, Any], request_id: str | None = None) -> Any:
        """Invoke the function in the thread pool, so the event loop never waits on a handler."""
        loop = asyncio.get_running_loop()
        async with self._queues.setdefault(name, asyncio.Lock()):
            return await loop.run_in_executor(self._executor, self.call, name, event, request_id)
