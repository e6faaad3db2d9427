"""Business metrics through the real handlers on moto: each invocation publishes, at its end, the counters its work
bumped (EMF lines on stdout, as CloudWatch Logs receives them) — webhook outcomes, media download failures,
provider send failures, timers done and late."""

from __future__ import annotations

import time
from typing import Any

import pytest

from infra.lambda_runtime import scheduled_event
from niochat import clock, metrics
from niochat.store import due
from niochat.store.table import table
from niochat.timers import kinds
from tests.integration import conversation_world as cw
from tests.integration import messages_world as mw
from tests.integration.conftest import LambdaContext, load_function, login, post_webhook
from tests.integration.webhook_world import install_provider, make_inbox, make_provedor, uazapi
from tests.support.emf import emf_documents
from tests.support.fake_provider import FakeProvider, Reply


def published(out: str) -> list[tuple[str, dict[str, str], float]]:
    """(metric name, its dimensions without `service`, its value) of every EMF line in `out`."""
    found = []
    for document, directive in emf_documents(out):
        assert directive["Namespace"] == "NioChatTest" and document["service"] == "niochat-test"
        (names,) = directive["Dimensions"]
        dimensions = {name: document[name] for name in names if name != "service"}
        found += [(m["Name"], dimensions, sum(document[m["Name"]])) for m in directive["Metrics"]]
    return found


@pytest.fixture(autouse=True)
def clean() -> None:
    metrics.reset()


@pytest.fixture
def world(aws, monkeypatch):
    stub = install_provider(monkeypatch)  # serves no file: every media download fails
    provedor_id = make_provedor()
    inbox, secret = make_inbox(provedor_id)
    return {"pid": provedor_id, "inbox": inbox, "secret": secret, "provider": stub}


def deliver(payload: dict[str, Any], secret: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list]:
    capsys.readouterr()
    response = post_webhook(payload, query={"secret": secret})
    return response.status, published(capsys.readouterr().out)


def test_each_webhook_delivery_publishes_its_outcome(world, capsys):
    text = uazapi("from-others-text.sent.json")
    assert deliver(text, world["secret"], capsys) == (200, [("WebhookDeliveries", {"outcome": "stored"}, 1)])
    assert deliver(text, world["secret"], capsys) == (200, [("WebhookDeliveries", {"outcome": "duplicate"}, 1)])
    assert deliver(text, "wrong-secret", capsys) == (401, [("WebhookDeliveries", {"outcome": "refused"}, 1)])
    presence = {"EventType": "presence"}  # an event nothing is stored for
    assert deliver(presence, world["secret"], capsys) == (200, [("WebhookDeliveries", {"outcome": "ignored"}, 1)])


def test_a_message_from_a_chat_known_only_by_a_lid_is_counted(world, capsys):
    lid = "138401042923712@lid"
    text = uazapi("from-others-text.sent.json", chatid=lid, sender_pn="")
    text["chat"] = {"name": "Tito Bahé", "wa_chatlid": lid, "wa_chatid": lid, "phone": ""}
    status, lines = deliver(text, world["secret"], capsys)
    assert status == 200
    assert sorted(lines) == [("LidOnlyMessages", {}, 1), ("WebhookDeliveries", {"outcome": "stored"}, 1)]
    # the same delivery again stores nothing, so counts no LID message; one with the number is not LID-only
    assert deliver(text, world["secret"], capsys)[1] == [("WebhookDeliveries", {"outcome": "duplicate"}, 1)]
    with_number = uazapi("from-others-text.sent.json", messageid="ABC123LIDNUMBER", id="558185464605:ABC123LIDNUMBER")
    assert deliver(with_number, world["secret"], capsys)[1] == [("WebhookDeliveries", {"outcome": "stored"}, 1)]


def test_a_failed_media_download_is_counted_with_the_delivery(world, capsys):
    status, lines = deliver(uazapi("from-others-image.sent.json"), world["secret"], capsys)
    assert status == 200
    assert sorted(lines, key=lambda line: line[0]) == [
        ("MediaDownloadFailures", {"outcome": "pending"}, 1),  # a timer tries again
        ("WebhookDeliveries", {"outcome": "stored"}, 1),
    ]


def test_a_message_the_provider_refuses_is_counted(aws, api, monkeypatch, capsys):
    monkeypatch.setenv("PROVIDER_RETRY_BASE_SECONDS", "0.01")
    with FakeProvider() as fake:
        world = mw.build(fake.url)
        token = login(api, world["people"]["admin"]["username"], cw.PASSWORD)
        fake.script("POST", "/send/text", Reply(400, {"error": "Missing number or text"}))
        capsys.readouterr()
        body = {"conversation_id": world["conversation"]["id"], "content": "Olá"}
        assert api.post("/api/messages/send_text/", body, token=token).status == 502
        assert published(capsys.readouterr().out) == [("ProviderSendFailures", {}, 1)]
        assert api.post("/api/messages/send_text/", body, token=token).status == 201  # a sent one counts nothing
        assert published(capsys.readouterr().out) == []


def test_a_sweep_publishes_the_work_done_and_the_work_late(aws, monkeypatch, capsys):
    monkeypatch.setitem(kinds.HANDLERS, "count", lambda provedor_id, args: None)
    now = time.time()
    monkeypatch.setattr(clock, "now", lambda: now)
    for n, due_at in enumerate((now - 1, now - 30, now - 600)):  # the last one waited ten minutes
        table().transact([due.schedule_op(1, "count", str(n), due_at, {})])
    capsys.readouterr()
    result = load_function("timers").lambda_handler(scheduled_event(), LambdaContext())
    assert result["done"] == 3
    assert sorted(published(capsys.readouterr().out)) == [
        ("TimerWorkDone", {"kind": "count"}, 3),
        ("TimerWorkLate", {"kind": "count"}, 1),
    ]
