"""Sending media (multipart, S3 before the provider, 413 over the limit) and serving message files (auth,
visibility, a redirect to a short-lived S3 link, pending files fetched on demand)."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from niochat.settings import get_settings
from niochat.store import messages
from niochat.store.table import table
from niochat.store.writes import Update
from tests.integration import conversation_world as cw
from tests.integration import messages_world as mw
from tests.support.fake_provider import Reply

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8 + b"\r\n--\r\n"
SEND_MEDIA = "/api/messages/send_media/"


def s3_object(key: str) -> bytes:
    return boto3.client("s3").get_object(Bucket=get_settings().media_bucket, Key=key)["Body"].read()


def send_png(world, token, caption="Segue o comprovante", file_name="Comprovante Pagamento.png", kind="image"):
    fields = {"conversation_id": str(world["conversation"]["id"]), "message_type": kind}
    if caption is not None:
        fields["caption"] = caption
    return mw.post_multipart(SEND_MEDIA, fields, {"file": (file_name, "image/png", PNG)}, token)


def test_send_media_stores_the_file_then_sends_it(api, world, tokens, fake):
    response = send_png(world, tokens["admin"])
    assert response.status == 201, response.json
    body = response.json
    pid, conversation_id = world["pid"], world["conversation"]["id"]
    assert body["media_type"] == "image" and body["content"] == "Segue o comprovante" and body["status"] == "sent"
    # the name as uploaded; only the S3 key (and the file URL) use the sanitised one
    assert body["file_name"] == "Comprovante Pagamento.png" and body["mime_type"] == "image/png"
    key = f"media/{pid}/{conversation_id}/{body['id']}-Comprovante_Pagamento.png"
    assert s3_object(key) == PNG
    file_url = f"http://localhost:8010/api/media/messages/{conversation_id}/{body['id']}-Comprovante_Pagamento.png/"
    assert body["file_url"] == file_url and key not in response.raw["body"]
    (request,) = fake.requests_to("/send/media")
    assert request.json == {"number": "5511999990001", "type": "image", "file": base64.b64encode(PNG).decode(),
                            "text": "Segue o comprovante"}  # fmt: skip


def test_send_media_accepts_niochats_media_type_field(api, world, tokens, fake):
    fields = {"conversation_id": str(world["conversation"]["id"]), "media_type": "document"}
    response = mw.post_multipart(SEND_MEDIA, fields, {"file": ("Catálogo Fittivirtual PDF.pdf", "application/pdf",
                                                               b"%PDF-1.4")}, tokens["admin"])  # fmt: skip
    assert response.status == 201, response.json
    assert response.json["media_type"] == "document" and response.json["file_name"] == "Catálogo Fittivirtual PDF.pdf"
    assert response.json["file_url"].endswith("-Catalogo_Fittivirtual_PDF.pdf/")


def test_the_file_is_kept_when_the_provider_fails(api, world, tokens, fake):
    fake.script("POST", "/send/media", *[Reply(502)] * 3)
    response = send_png(world, tokens["admin"], caption=None, file_name="nota.png")
    assert response.status == 502
    message_id = response.json["details"]["message_id"]
    stored = table().get(*messages.key(world["pid"], world["conversation"]["id"], message_id), consistent=True)
    assert stored["status"] == "failed" and s3_object(stored["media_key"]) == PNG
    retried = api.post(f"/api/messages/{message_id}/retry/", token=tokens["admin"])
    assert retried.status == 200 and retried.json["status"] == "sent"
    assert fake.requests_to("/send/media")[-1].json["file"] == base64.b64encode(PNG).decode()


def test_evolution_media_body(api, world, tokens, fake):
    from niochat.conversations import service

    inbox = mw.provider_inbox(world["pid"], fake.url, "evolution", "Evolution")
    world = {**world, "conversation": service.create(world["pid"], world["contact"]["id"], inbox["id"])}
    response = send_png(world, tokens["admin"], kind="document", file_name="boleto.png")
    assert response.status == 201, response.json
    (request,) = fake.requests_to("/message/sendMedia/loja")
    assert request.json == {"number": "5511999990001", "mediatype": "document", "mimetype": "image/png",
                            "caption": "Segue o comprovante", "fileName": "boleto.png",
                            "media": base64.b64encode(PNG).decode()}  # fmt: skip


def test_a_file_over_the_limit_is_413_and_nothing_is_stored(api, world, tokens, fake, monkeypatch):
    monkeypatch.setenv("MEDIA_MAX_BYTES", "1000")
    get_settings.cache_clear()
    response = send_png(world, tokens["admin"])
    get_settings.cache_clear()
    assert response.status == 413, response.json
    assert response.json["error"] == "PayloadTooLarge" and response.json["details"]["field"] == "file"
    assert fake.requests == []
    listed = api.get("/api/messages/", token=tokens["admin"], query={"conversation": str(world["conversation"]["id"])})
    assert listed.json["count"] == 0


@pytest.mark.parametrize(
    ("fields", "files", "field"),
    [
        ({"conversation_id": "{cid}", "message_type": "image"}, {}, "file"),
        ({"conversation_id": "{cid}", "message_type": "gif"}, {"file": ("a.png", "image/png", PNG)}, "message_type"),
        ({"message_type": "image"}, {"file": ("a.png", "image/png", PNG)}, "conversation_id"),
        ({"conversation_id": "{cid}", "message_type": "image"}, {"file": ("a.png", "image/png", b"")}, "file"),
    ],
)
def test_send_media_validation(api, world, tokens, fake, fields, files, field):
    fields = {k: str(world["conversation"]["id"]) if v == "{cid}" else v for k, v in fields.items()}
    response = mw.post_multipart(SEND_MEDIA, fields, files, tokens["admin"])
    assert response.status == 400 and response.json["details"]["field"] == field, response.json
    assert fake.requests == []


def test_send_media_needs_multipart(api, world, tokens):
    response = api.post(SEND_MEDIA, {"conversation_id": world["conversation"]["id"]}, token=tokens["admin"])
    assert response.status == 400 and response.json["details"]["field"] == "body"


def test_media_url_redirects_to_a_short_lived_link(api, world, tokens):
    body = send_png(world, tokens["admin"]).json
    path = urlsplit(body["file_url"]).path
    response = api.get(path, token=tokens["admin"])
    assert response.status == 302, response.raw
    location = urlsplit(response.headers["location"])
    query = parse_qs(location.query)
    key = f"media/{world['pid']}/{world['conversation']['id']}/{body['id']}-Comprovante_Pagamento.png"
    assert location.path.endswith("/" + key)
    assert query["X-Amz-Expires"] == ["300"]
    assert "response-content-disposition" not in query  # an image is shown in place


def test_a_file_that_is_not_an_image_audio_or_video_is_served_as_a_download(api, world, tokens):
    """Whatever type the customer claimed: text/html from a delivery must never render on the media host."""
    for mime_type, name in (("text/html", "pagina.html"), ("image/svg+xml", "logo.svg"), ("application/pdf", "b.pdf")):
        message = mw.customer_message(world, "", media_type="document", file_name=name, mime_type=mime_type,
                                      media_status="ready")  # fmt: skip
        key = f"media/{world['pid']}/{world['conversation']['id']}/{message['id']}-{name}"
        table().write(
            Update("fixture", *messages.key(world["pid"], world["conversation"]["id"], message["id"]))
            .set_all({"media_key": key})
            .when_exists()
        )
        response = api.get(f"/api/media/messages/{world['conversation']['id']}/{message['id']}-{name}/",
                           token=tokens["admin"])  # fmt: skip
        assert response.status == 302, response.raw
        query = parse_qs(urlsplit(response.headers["location"]).query)
        assert query["response-content-type"] == ["application/octet-stream"], mime_type
        assert query["response-content-disposition"] == [f'attachment; filename="{name}"']


def test_media_needs_auth_visibility_and_a_real_file(api, world, tokens):
    body = send_png(world, tokens["admin"]).json
    conversation_id, name = world["conversation"]["id"], f"{body['id']}-Comprovante_Pagamento.png"
    assert api.get(f"/api/media/messages/{conversation_id}/{name}/").status == 401
    assert api.get(f"/api/media/messages/{conversation_id}/{name}/", token=tokens["agent3"]).status == 404
    for wrong in (f"{body['id']}-outro.png", "123-x.png", "nada", f"{body['id']}-..png"):
        response = api.get(f"/api/media/messages/{conversation_id}/{wrong}/", token=tokens["admin"])
        assert response.status == 404 and response.json["error"] == "NotFound", wrong
    other = cw.new_conversation(world, phone="11988887777", name="Outro")
    assert api.get(f"/api/media/messages/{other['id']}/{name}/", token=tokens["admin"]).status == 404


def test_a_file_not_in_storage_yet_is_a_404_that_says_why(api, world, tokens):
    """The timers fetch pending files (the media function only reads S3): the endpoint says when it tries next."""
    next_attempt = "2026-12-02T10:01:00.000000Z"
    message = mw.customer_message(world, "", media_type="image", file_name="foto.jpg", mime_type="image/jpeg",
                                  media_status="pending", media_next_attempt_at=next_attempt)  # fmt: skip
    detail = api.get(f"/api/messages/{message['id']}/", token=tokens["admin"]).json
    assert detail["file_url"] is None and detail["file_name"] == "foto.jpg"
    path = f"/api/media/messages/{world['conversation']['id']}/{message['id']}-foto.jpg/"
    response = api.get(path, token=tokens["admin"])
    assert response.status == 404 and response.json["error"] == "NotFound"
    assert response.json["details"] == {"message_id": message["id"], "media_status": "pending",
                                        "next_attempt_at": next_attempt}  # fmt: skip

    failed = mw.customer_message(world, "", media_type="image", file_name="b.jpg", media_status="failed",
                                 media_error="4 tentativas sem sucesso: Message not found")  # fmt: skip
    response = api.get(
        f"/api/media/messages/{world['conversation']['id']}/{failed['id']}-b.jpg/", token=tokens["admin"]
    )
    assert response.status == 404 and response.json["details"]["media_status"] == "failed"
    assert response.json["details"]["media_error"].startswith("4 tentativas")
