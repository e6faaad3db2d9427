"""Message files: the one safe-name rule both the API upload and the inbound download use."""

from __future__ import annotations

from niochat.domain.media import new_file, object_key, safe_file_name, served_name, served_path, stored


def test_safe_file_names() -> None:
    assert safe_file_name("Boleto março.pdf", "application/pdf", "document") == "Boleto_marco.pdf"
    assert safe_file_name(None, "audio/ogg; codecs=opus", "voice") == "voice.ogg"  # not the mime table's .oga
    assert safe_file_name("clip", "video/3gpp", "video") == "clip.3gp"
    assert safe_file_name("", "image/jpeg", "image") == "image.jpg"
    assert safe_file_name("***", None, "document") == "document"
    assert len(safe_file_name("a" * 300 + ".pdf", None, "document")) == 100
    assert safe_file_name("a" * 300 + ".pdf", None, "document").endswith(".pdf")


def test_a_file_name_never_keeps_a_folder() -> None:
    assert safe_file_name("../../etc/passwd", None, "document") == "passwd"
    assert safe_file_name("C:\\fakepath\\nota fiscal.pdf", "application/pdf", "document") == "nota_fiscal.pdf"


def test_a_file_is_pending_until_it_is_stored() -> None:
    file = new_file("Foto da fachada.JPG", "image/jpeg", 2048, "image")
    assert file == {
        "file_name": "Foto_da_fachada.JPG",
        "original_file_name": "Foto da fachada.JPG",
        "mime_type": "image/jpeg",
        "file_size": 2048,
        "media_status": "pending",
    }
    key = object_key(7, 3, 42, file["file_name"])
    ready = stored(file, key)
    assert key == "media/7/3/42-Foto_da_fachada.JPG"
    assert ready["media_status"] == "ready" and ready["media_key"] == key
    assert new_file(None, "audio/ogg", None, "voice")["original_file_name"] == "voice.ogg"


def test_served_name_and_path() -> None:
    assert served_name({"id": 42, "media_key": "media/7/3/42-a.pdf", "file_name": "a.pdf"}) == "42-a.pdf"
    assert served_name({"id": 42, "file_name": "a.pdf"}) == "42-a.pdf"
    assert served_name({"id": 42}) is None
    assert served_path(3, "42-a.pdf") == "/api/media/messages/3/42-a.pdf/"
