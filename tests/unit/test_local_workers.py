"""infra/local/workers.py: each function in worker processes of its own, kept warm, one invocation at a time
each, more workers under concurrency, and a dead worker replaced (tiny functions in a temporary folder)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.lambda_runtime import FunctionMissing
from infra.local.workers import FunctionFailed, WorkerFailed, Workers

HANDLER = """
import os, time

LAST = {"event": None}


def lambda_handler(event, context):
    if event.get("crash"):
        os._exit(3)
    if event.get("raise"):
        raise ValueError("handler bug")
    time.sleep(event.get("sleep", 0))
    previous, LAST["event"] = LAST["event"], event
    return {"pid": os.getpid(), "previous": previous, "function": context.function_name}
"""


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    folder = tmp_path_factory.mktemp("functions")
    for name in ("alpha", "beta"):
        (folder / name).mkdir()
        (folder / name / "app.py").write_text(HANDLER)
    started = Workers(max_workers=2, folder=Path(folder))
    yield started
    started.close()


def test_each_function_has_its_own_process_and_module_state(workers: Workers) -> None:
    first = workers.call("alpha", {"n": 1, "who": "alpha"})
    other = workers.call("beta", {"n": 1, "who": "beta"})
    again = workers.call("alpha", {"n": 2, "who": "alpha"})
    assert first["pid"] != other["pid"]
    assert other["previous"] is None  # alpha's event never reaches beta's module
    assert again["pid"] == first["pid"] and again["previous"] == {"n": 1, "who": "alpha"}  # kept warm
    assert first["function"] == "niochat-alpha"


def test_a_handler_error_fails_the_call_and_keeps_the_worker(workers: Workers) -> None:
    before = workers.call("alpha", {})["pid"]
    with pytest.raises(FunctionFailed, match="handler bug"):
        workers.call("alpha", {"raise": True})
    assert workers.call("alpha", {})["pid"] == before


def test_a_dead_worker_fails_its_call_and_is_replaced(workers: Workers) -> None:
    before = workers.call("beta", {})["pid"]
    with pytest.raises(WorkerFailed, match="died"):
        workers.call("beta", {"crash": True})
    after = workers.call("beta", {})
    assert after["pid"] != before and after["previous"] is None  # a fresh sandbox


def test_concurrent_calls_get_workers_of_their_own(workers: Workers) -> None:
    pids: list[int] = []
    threads = [
        threading.Thread(target=lambda: pids.append(workers.call("alpha", {"sleep": 1.0})["pid"])) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(set(pids)) == 2


def test_a_function_without_app_py_is_missing(workers: Workers) -> None:
    with pytest.raises(FunctionMissing):
        workers.call("gamma", {})
