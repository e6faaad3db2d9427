"""The timers on the local stack (a real process; its ticker runs the sweep): an inbound image whose first
download fails is fetched by the sweep with nobody opening it, and a file the provider never serves ends
`failed` with the reason. Waits are shortened (MEDIA_RETRY_SECONDS, NIOCHAT_TIMER_SECONDS) so the test takes
seconds; the default waits (60 s, then a tick every 5 s) fetch it within about 65 s."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import LocalStackProcess, login, wait_until
from tests.support.fake_provider import FakeProvider, Reply

pytestmark = pytest.mark.e2e

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "uazapi" / "from-others-image.sent.json"
IMAGE_ID = "AC3D4FE37D20ED8957FACCDAD9368A4A"
JPEG = b"\xff\xd8\xff\xe0 e2e jpeg bytes"


@pytest.fixture(scope="module")
def timers_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackProcess]:
    stack = LocalStackProcess(tmp_path_factory.mktemp("timers")).start(
        extra_env={"MEDIA_RETRY_SECONDS": "2,2", "NIOCHAT_TIMER_SECONDS": "1", "PROVIDER_MAX_ATTEMPTS": "1"}
    )
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def inbox(timers_stack: LocalStackProcess, fake: FakeProvider) -> tuple[dict[str, str], str]:
    with timers_stack.http() as client:
        headers = {"Authorization": f"Token {login(client, 'demo-admin', 'niochat-demo')}"}
        provedor = client.get("/api/auth/me/", headers=headers).json()["provedor_id"]
        settings = {"provider": "uazapi", "base_url": fake.url, "instance": "eKoB39", "token": "e2e-token-0123456789"}
        body = {"name": "WhatsApp timers", "channel_type": "whatsapp", "provedor": provedor, "settings": settings}
        created = client.post("/api/inboxes/", json=body, headers=headers)
        assert created.status_code == 201, created.text
        url = created.json()["webhook_url"]
        return headers, url[url.index("/webhook/") :]


def deliver(client: httpx.Client, path: str, message_id: str) -> dict:
    delivery = json.loads(FIXTURE.read_text())
    delivery["message"].update(messageid=message_id, id=f"558185464605:{message_id}")
    answer = client.post(path, json=delivery)
    assert answer.status_code == 200 and answer.json()["status"] == "stored", answer.text
    return answer.json()


def test_an_image_whose_first_download_failed_is_fetched_with_nobody_opening_it(timers_stack, fake, inbox):
    headers, path = inbox
    fake.add_media(IMAGE_ID, JPEG, "image/jpeg")
    fake.script("POST", "/message/download", Reply(500, {"error": "temporarily unavailable"}))
    with timers_stack.http() as client:
        answer = deliver(client, path, IMAGE_ID)
        assert answer["media_status"] == "pending"
        detail = wait_until(
            lambda: (
                (m := client.get(f"/api/messages/{answer['message_id']}/", headers=headers).json())["file_url"] and m
            ),
            timeout=90,
            what="the image fetched by the timers",
        )
        assert detail["media_status"] == "ready"
        served = client.get(detail["file_url"], headers=headers)
        assert served.status_code == 302
        assert httpx.get(served.headers["location"]).content == JPEG
    assert len(fake.requests_to("/message/download")) == 2  # the failed one at delivery, the timer's


def test_a_file_the_provider_never_serves_ends_failed_with_the_reason(timers_stack, fake, inbox):
    headers, path = inbox
    with timers_stack.http() as client:
        answer = deliver(client, path, "AC3D4FE37D20ED8957FACCDAD93NEVER")
        detail = wait_until(
            lambda: (
                (m := client.get(f"/api/messages/{answer['message_id']}/", headers=headers).json())["media_status"]
                == "failed"
                and m
            ),
            timeout=60,
            what="the file given up on",
        )
        assert detail["file_url"] is None
        medium = client.get(f"/api/media/messages/{answer['conversation_id']}/{answer['message_id']}-image.jpg/",
                            headers=headers)  # fmt: skip
        assert medium.status_code == 404 and medium.json()["details"]["media_status"] == "failed"
        assert (
            medium.json()["details"]["media_error"]
            == "3 tentativas sem sucesso: O provedor de WhatsApp recusou a operação (HTTP 404)"
        )
