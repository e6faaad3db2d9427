"""The functions: each `functions/<name>/app.py` loaded by path, and its `lambda_handler` invoked like Lambda.

Every function's module is named `app`, so each is imported under a unique name (`niochat_fn_<name>`), with
its own folder first on sys.path while it loads, as Lambda has it; modules it imports from its own folder
are then renamed out of the way so another function's same-named module can't shadow them.

One function runs one invocation at a time (a single warm execution environment): handlers keep per-
invocation state in module globals (the resolver's current event, the batch processor), as they may on
Lambda.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import sys
import threading
import time
import uuid
from concurrent.futures import Executor
from pathlib import Path
from types import ModuleType
from typing import Any

from infra.local import aws

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR = ROOT / "functions"


class LambdaContext:
    """The parts of Lambda's context object that handlers and Powertools read."""

    memory_limit_in_mb = 1024
    log_group_name = "/aws/lambda/local"
    log_stream_name = "local"
    identity = None
    client_context = None

    def __init__(self, function: str, request_id: str, timeout_seconds: float = 30.0) -> None:
        self.function_name = f"niochat-{function}"
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{aws.REGION}:{aws.ACCOUNT_ID}:function:{self.function_name}"
        self.aws_request_id = request_id
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class FunctionMissing(LookupError):
    pass


class Functions:
    def __init__(self, executor: Executor, folder: Path = FUNCTIONS_DIR) -> None:
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
            except FunctionMissing:
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
        return self._folder / name / "app.py"

    def _load(self, name: str) -> ModuleType:
        path = self._path(name)
        if not path.is_file():
            raise FunctionMissing(name)
        module_name = f"niochat_fn_{name}"
        folder = str(path.parent)
        spec = importlib.util.spec_from_file_location(module_name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        before = set(sys.modules)
        sys.modules[module_name] = module
        sys.path.insert(0, folder)
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(module_name, None)
            raise
        finally:
            sys.path.remove(folder)
            _privatize(set(sys.modules) - before - {module_name}, path.parent, module_name)
        log.debug("loaded function %s from %s", name, path)
        return module

    def call(self, name: str, event: dict[str, Any], request_id: str | None = None) -> Any:
        """Invoke the function's lambda_handler in this thread (blocking)."""
        module = self.module(name)
        with self._locks[name]:
            return module.lambda_handler(event, LambdaContext(name, request_id or str(uuid.uuid4())))

    async def invoke(self, name: str, event: dict[str, Any], request_id: str | None = None) -> Any:
        """Invoke the function in the thread pool, so the event loop never waits on a handler."""
        loop = asyncio.get_running_loop()
        async with self._queues.setdefault(name, asyncio.Lock()):
            return await loop.run_in_executor(self._executor, self.call, name, event, request_id)


def _privatize(added: set[str], folder: Path, owner: str) -> None:
    """Rename the modules a function imported from its own folder to `<owner>.<name>`."""
    for name in added:
        file = getattr(sys.modules.get(name), "__file__", None)
        if file and Path(file).resolve().is_relative_to(folder.resolve()):
            sys.modules[f"{owner}.{name}"] = sys.modules.pop(name)
