"""An outbound message whose function died after storing it (`sending`, the provider's answer never
recorded): the `sending_timeout` timer fails it after SENDING_TIMEOUT_SECONDS, `/retry/` then sends it once,
and a message the provider's echo confirmed is never touched."""

from __future__ import annotations

import time

import pytest

from niochat import clock
from niochat.channels.uazapi import UazapiClient
from niochat.messages.stuck import REASON
from niochat.store import conversations, due, messages
from niochat.store.table import table
from niochat.store.writes import Update
from niochat.timers import kinds, sweep
from tests.integration import conversation_world as cw
from tests.integration.conftest import login


class Died(BaseException):
    """The function's sandbox going away mid-call (not an Exception: nothing in our code catches it)."""


@pytest.fixture
def admin(api, world):
    return login(api, world["people"]["admin"]["username"], cw.PASSWORD)


@pytest.fixture
def now(monkeypatch):
    at = {"t": time.time()}
    monkeypatch.setattr(clock, "now", lambda: at["t"])
    return at


def stored(world, message_id):
    return table().get(*messages.key(world["pid"], world["conversation"]["id"], message_id), consistent=True)


def died_while_sending(api, world, admin, monkeypatch) -> int:
    """Send a text and kill the 'function' inside the provider call: the message stays `sending`."""

    def die(*args, **kwargs):
        raise Died

    with monkeypatch.context() as patched, pytest.raises(Died):
        patched.setattr(UazapiClient, "send_text", die)
        api.post("/api/messages/send_text/", {"conversation_id": world["conversation"]["id"], "content": "Oi"},
                 token=admin)  # fmt: skip
    (message,) = table().query(messages.pk(world["pid"], world["conversation"]["id"]), consistent=True).items
    assert message["status"] == "sending"
    return int(message["id"])


def test_a_message_stuck_in_sending_fails_after_the_timeout_and_retry_sends_it_once(api, world, admin, fake, now,
                                                                                     monkeypatch):  # fmt: skip
    message_id = died_while_sending(api, world, admin, monkeypatch)
    timer = due.get_timer(world["pid"], kinds.SENDING_TIMEOUT, str(message_id))
    assert timer is not None and 119 <= timer["due_at"] - now["t"] <= 121

    now["t"] += 60
    assert sweep.sweep().done == 0 and stored(world, message_id)["status"] == "sending"
    now["t"] += 61
    assert sweep.sweep().done == 1
    failed = stored(world, message_id)
    assert failed["status"] == "failed" and failed["error"] == {"status": None, "message": REASON}
    preview = conversations.conversations.get(world["pid"], world["conversation"]["id"], consistent=True)
    assert preview["last_message"]["status"] == "failed"

    response = api.post(f"/api/messages/{message_id}/retry/", token=admin)
    assert response.status == 200 and response.json["status"] == "sent", response.json
    assert len(fake.requests_to("/send/text")) == 1  # the dead call never reached the provider; the retry did, once
    now["t"] += 121
    sweep.sweep()  # the retry's own timer: the message is sent, nothing to do
    assert stored(world, message_id)["status"] == "sent" and len(fake.requests_to("/send/text")) == 1


def test_a_message_the_echo_confirmed_is_left_sent(api, world, admin, now, monkeypatch):
    message_id = died_while_sending(api, world, admin, monkeypatch)
    key = messages.key(world["pid"], world["conversation"]["id"], message_id)
    table().write(
        Update("fixture", *key).set_all({"status": "sent", "external_id": "ECHO1"}).when_exists()
    )  # what the webhook echo records
    now["t"] += 121
    assert sweep.sweep().done == 1
    assert stored(world, message_id)["status"] == "sent"
