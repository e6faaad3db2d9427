"""Lost races made deterministic: the request reads an item, a concurrent write lands right after that read
(the `stale_read` fixture runs it there), and the request's conditional write must fail — a 409 — with
nothing of it written. No threads, no timing: the interleaving is the worst one, every time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from niochat.conversations import service as conversation_service
from niochat.csat.models import SettingsPatch
from niochat.domain.conversations import Action
from niochat.store import counters
from niochat.store import csat as csat_store
from niochat.store.conversations import conversations
from niochat.store.table import table
from tests.integration import conversation_world as cw
from tests.integration.conftest import login


@pytest.fixture
def stale_read(monkeypatch) -> Callable[[Any, str, Callable[[], None]], None]:
    """`install(owner, name, concurrent)`: the first call of `owner.name` reads as usual, then `concurrent()`
    writes before that (now stale) result is returned."""

    def install(owner: Any, name: str, concurrent: Callable[[], None]) -> None:
        original = getattr(owner, name)
        fired: list[bool] = []

        def read(*args: Any, **kwargs: Any) -> Any:
            found = original(*args, **kwargs)
            if not fired:
                fired.append(True)
                concurrent()
            return found

        monkeypatch.setattr(owner, name, read)

    return install


@pytest.fixture
def world(aws):
    return cw.build("a")


def _everything(pid: int, conversation_id: int) -> dict[str, Any]:
    """What an action on the conversation writes: the conversation, its messages, the audit log, counters."""
    from niochat.store import audit, messages

    return {
        "conversation": conversations.get(pid, conversation_id, consistent=True),
        "messages": table().query_all(messages.pk(pid, conversation_id), consistent=True),
        "audit": table().query_all(audit.pk(pid), consistent=True),
        "counters": counters.read(pid),
    }


def test_an_assignment_that_read_before_a_close_is_refused_and_writes_nothing(api, world, stale_read):
    pid, admin = world["pid"], world["people"]["admin"]
    conversation = cw.new_conversation(world)
    token = login(api, admin["username"], cw.PASSWORD)

    def close_meanwhile() -> None:
        conversation_service.act(cw.ROOT, pid, conversation["id"], Action.CLOSE)
        closed.update(_everything(pid, conversation["id"]))

    closed: dict[str, Any] = {}
    stale_read(conversations, "get", close_meanwhile)
    response = api.post(f"/api/conversations/{conversation['id']}/assign/", {"user_id": admin["id"]}, token=token)
    assert response.status == 409 and response.json["error"] == "Conflict", response.json
    assert closed["conversation"]["status"] == "closed"
    assert _everything(pid, conversation["id"]) == closed  # the refused assignment wrote nothing


def test_a_transfer_that_read_before_another_transfer_is_refused(api, world, stale_read):
    pid, people = world["pid"], world["people"]
    conversation = cw.new_conversation(world)
    token = login(api, people["admin"]["username"], cw.PASSWORD)

    def assign_meanwhile() -> None:
        conversation_service.act(cw.ROOT, pid, conversation["id"], Action.ASSIGN, user_id=people["agent1"]["id"])
        before.update(_everything(pid, conversation["id"]))

    before: dict[str, Any] = {}
    stale_read(conversations, "get", assign_meanwhile)
    response = api.post(f"/api/conversations/{conversation['id']}/transfer_to_team/", {"team_id": world["team"]["id"]},
                        token=token)  # fmt: skip
    assert response.status == 409
    after = _everything(pid, conversation["id"])
    assert after == before and after["conversation"]["assignee_id"] == people["agent1"]["id"]


def test_csat_settings_changed_meanwhile_are_not_overwritten(api, world, stale_read):
    from niochat.csat import settings

    pid, admin = world["pid"], world["people"]["admin"]
    token = login(api, admin["username"], cw.PASSWORD)
    assert api.call("PATCH", "/api/csat/settings/", {"delay_minutes": 5}, token=token).status == 200

    def patch_meanwhile() -> None:
        settings.update(cw.ROOT, pid, SettingsPatch(expiry_minutes=60))

    stale_read(csat_store, "read_settings", patch_meanwhile)
    response = api.call("PATCH", "/api/csat/settings/", {"delay_minutes": 9}, token=token)
    assert response.status == 409 and response.json["error"] == "Conflict"
    stored = csat_store.read_settings(pid)
    assert stored["expiry_minutes"] == 60 and stored["delay_minutes"] == 5
