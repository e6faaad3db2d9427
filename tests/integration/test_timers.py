"""The timers' sweep on moto: claims with a lease (two sweeps never run one timer twice, a dead sweep's timer
runs after its lease), its first users (inbound media downloaded on a backoff, outbound messages stuck in
`sending`), and short-lived items deleted once expired. The clock is moved, never slept on."""

from __future__ import annotations

import threading
import time

import pytest

from niochat.store import connections, due, tokens
from niochat.store.table import table
from niochat.timers import kinds, sweep
from tests.integration.webhook_world import install_provider, make_inbox, make_provedor, message, uazapi
from tests.support.moved_clock import MovedClock

IMAGE = "from-others-image.sent.json"
IMAGE_ID = "AC3D4FE37D20ED8957FACCDAD9368A4A"


@pytest.fixture
def moved(aws, monkeypatch) -> MovedClock:
    return MovedClock(monkeypatch)


@pytest.fixture
def counted(monkeypatch):
    """A timer kind `count` whose runs are recorded (slow enough for two sweeps to overlap)."""
    runs: list[str] = []
    lock = threading.Lock()

    def count(provedor_id, args):
        time.sleep(0.005)
        with lock:
            runs.append(args["n"])

    monkeypatch.setitem(kinds.HANDLERS, "count", count)
    return runs


def schedule(n: int, at: float) -> None:
    table().transact([due.schedule_op(1, "count", str(n), at, {"n": str(n)})])


def test_two_sweeps_at_once_run_each_of_50_due_timers_exactly_once(moved, counted):
    for n in range(50):
        schedule(n, moved.at - 1)
    results: list[sweep.SweepResult] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        barrier.wait()
        results.append(sweep.sweep())

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counted, key=int) == [str(n) for n in range(50)]  # each once, none twice
    assert sum(r.done for r in results) == 50 and sum(r.done + r.lost for r in results) <= 100
    assert all(due.get_timer(1, "count", str(n)) is None for n in range(50))  # deleted once done
    assert sweep.sweep().done == 0


def test_a_timer_not_due_yet_waits(moved, counted):
    schedule(1, moved.at + 30)
    assert sweep.sweep().done == 0 and counted == []
    moved.forward(31)
    assert sweep.sweep().done == 1 and counted == ["1"]


def test_a_sweep_that_dies_after_claiming_leaves_the_timer_to_the_sweep_after_its_lease(moved, counted):
    schedule(7, moved.at - 1)
    (seen,) = due.due(due.shard_of(*due.timer_key(1, "count", "7")), moved.at, 10).items
    claimed = due.claim(seen, moved.at, sweep.LEASE_SECONDS)  # ... and the sweep dies here
    assert claimed is not None and claimed["status"] == "running" and claimed["attempts"] == 1
    assert due.claim(seen, moved.at, sweep.LEASE_SECONDS) is None  # what it read is no longer there to claim

    moved.forward(sweep.LEASE_SECONDS - 5)
    assert sweep.sweep().done == 0 and counted == []  # still leased
    moved.forward(10)
    result = sweep.sweep()
    assert result.done == 1 and counted == ["7"]
    assert due.finish(claimed) is False  # the dead sweep's lease is over: it can no longer delete anything


def test_a_failing_timer_is_retried_after_its_lease_then_given_up_with_the_reason(moved, monkeypatch):
    calls = []

    def broken(provedor_id, args):
        calls.append(1)
        raise RuntimeError("provider down")

    monkeypatch.setitem(kinds.HANDLERS, "broken", broken)
    table().transact([due.schedule_op(1, "broken", "x", moved.at - 1, {})])
    for _ in range(sweep.MAX_ATTEMPTS):
        sweep.sweep()
        moved.forward(sweep.LEASE_SECONDS + 1)
    assert len(calls) == sweep.MAX_ATTEMPTS
    timer = due.get_timer(1, "broken", "x")
    assert timer["status"] == "failed" and timer["error"] == "RuntimeError: provider down" and "DUEPK" not in timer
    assert sweep.sweep().given_up == 0 and len(calls) == sweep.MAX_ATTEMPTS  # out of the index


def test_scheduling_again_replaces_the_timer_and_a_running_sweep_cannot_delete_the_new_one(moved, counted):
    schedule(3, moved.at - 1)
    (seen,) = due.due(due.shard_of(*due.timer_key(1, "count", "3")), moved.at, 10).items
    claimed = due.claim(seen, moved.at, sweep.LEASE_SECONDS)
    schedule(3, moved.at + 60)  # the work scheduled itself again while running
    assert due.finish(claimed) is False
    assert due.get_timer(1, "count", "3")["status"] == "pending"


# -- inbound media ---------------------------------------------------------------------------------------
@pytest.fixture
def provider(moved, monkeypatch):
    stub = install_provider(monkeypatch)
    pid = make_provedor()
    make_inbox(pid)
    return pid, stub


def test_a_pending_image_is_downloaded_by_the_timers_without_anyone_opening_it(provider, moved):
    from tests.integration.conftest import post_webhook

    pid, stub = provider
    answer = post_webhook(uazapi(IMAGE)).json
    assert answer["media_status"] == "pending"
    stub.add(IMAGE_ID, b"\xff\xd8 jpeg", "image/jpeg")
    assert sweep.sweep().done == 0  # the first retry waits a minute
    moved.forward(61)
    assert sweep.sweep().done == 1
    stored = message(pid, answer)
    assert stored["media_status"] == "ready" and stored["media_attempts"] == 2 and stored["file_url"]
    assert due.get_timer(pid, kinds.MEDIA_DOWNLOAD, str(answer["message_id"])) is None


def test_a_provider_that_never_serves_the_file_leaves_it_failed_with_the_reason(provider, moved):
    from tests.integration.conftest import post_webhook

    pid, stub = provider
    answer = post_webhook(uazapi(IMAGE)).json
    for wait in (60, 300, 1800):
        moved.forward(wait + 1)
        assert sweep.sweep().done == 1
    stored = message(pid, answer)
    assert stored["media_status"] == "failed" and stored["media_attempts"] == 4
    assert stored["media_error"] == "4 tentativas sem sucesso: Message not found"
    assert stored.get("file_url") is None and len(stub.calls) == 4
    assert due.get_timer(pid, kinds.MEDIA_DOWNLOAD, str(answer["message_id"])) is None
    moved.forward(3600)
    assert sweep.sweep().done == 0 and len(stub.calls) == 4


# -- short-lived items -----------------------------------------------------------------------------------
def test_expired_connections_are_deleted_and_a_used_token_is_moved_not_deleted(moved):
    from niochat.domain.connections import new_connection
    from niochat.domain.users import Principal, UserType

    agent = Principal(user_id=9, provedor_id=1, user_type=UserType.AGENT, username="ana")
    connections.put(new_connection("old", agent, [], int(moved.at) - 7200, 3600))
    connections.put(new_connection("live", agent, [], int(moved.at), 3600))
    tokens.put("h1", {"user_id": 9, "provedor_id": 1, "session_timeout": 1}, int(moved.at))
    moved.forward(61)
    tokens.touch("h1", int(moved.at), 1)  # used: its expiry slid a minute forward
    result = sweep.sweep()
    assert result.expired == 1 and result.moved == 1
    assert [c["connection_id"] for c in connections.of_provedor(1)] == ["live"]
    assert tokens.get("h1") is not None
    moved.forward(61)
    assert sweep.sweep().expired == 1 and tokens.get("h1") is None
