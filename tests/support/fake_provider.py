"""A fake WhatsApp provider (Uazapi and Evolution API v2) on loopback: a real HTTP server in a thread.

It records every request (method, path, query, headers, body) and answers:
- by default, like the real providers: sends answer a message with a fresh id (Uazapi `{id: "<owner>:<id>",
  messageid}`, Evolution `{key: {remoteJid, fromMe, id}}`), react/delete answer success, and downloads serve
  the files registered with `add_media` (Uazapi `/message/download` → `fileURL` on this server, then a GET;
  Evolution `/chat/getBase64FromMediaMessage/{instance}` → base64);
- or what a test scripts for a method and path, in order: errors (any status and body), slow answers
  (`Reply(delay=...)`, to sleep past the client's timeout — set PROVIDER_TIMEOUT_SECONDS low), anything.

    with FakeProvider() as fake:
        fake.script("POST", "/send/text", Reply(500), Reply(200, {"messageid": "X"}))
        inbox_settings = {"provider": "uazapi", "base_url": fake.url, "token": "t"}
        ...
        assert fake.requests_to("/send/text")[0].json == {"number": "5511...", "text": "Olá"}

`fake.serve_file(path, content, content_type)` serves any file at any path (e.g. an Evolution `mediaUrl`).
`FakeProvider(host)` listens on another local address (e.g. 127.0.0.2, to play a public host in the egress
tests).
"""

from __future__ import annotations

import base64
import itertools
import time
from dataclasses import dataclass
from typing import Any

from tests.support.fake_server import FakeServer, Recorded, Reply

__all__ = ["OWNER", "FakeProvider", "Recorded", "Reply"]

OWNER = "5511900000000"  # the instance's own number, as Uazapi prefixes message ids with it


@dataclass
class Media:
    content: bytes
    mime_type: str
    file_name: str | None = None


class FakeProvider(FakeServer):
    name = "fake-provider"

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.media: dict[str, Media] = {}
        self._files: dict[str, tuple[bytes, str]] = {}
        self._ids = itertools.count(1)
        super().__init__(host)

    # -- what tests set up ------------------------------------------------------------------------------
    def serve_file(self, path: str, content: bytes, content_type: str = "application/octet-stream") -> str:
        self._files[path] = (content, content_type)
        return self.url + path

    def add_media(self, message_id: str, content: bytes, mime_type: str, file_name: str | None = None) -> None:
        """Media of a provider message, served by both providers' download calls."""
        self.media[message_id] = Media(content, mime_type, file_name)
        self.serve_file(f"/files/{message_id}", content, mime_type)

    # -- what tests read back ---------------------------------------------------------------------------
    def new_id(self) -> str:
        return f"3EB0{next(self._ids):016X}"

    # -- answering --------------------------------------------------------------------------------------
    def default(self, request: Recorded) -> Reply:
        if request.method == "GET" and request.path in self._files:
            content, content_type = self._files[request.path]
            return Reply(200, body=content, content_type=content_type)
        path, body = request.path, request.json if request.body else {}
        body = body if isinstance(body, dict) else {}
        if path in ("/send/text", "/send/media", "/message/react"):
            return Reply(200, self._uazapi_message(body, path))
        if path == "/message/delete":
            return Reply(200, {"timestamp": "2026-01-01T00:00:00Z", "id": body.get("id")})
        if path == "/message/download":
            message_id = str(body.get("id", "")).split(":")[-1]
            media = self.media.get(message_id)
            if media is None:
                return Reply(404, {"error": "Message not found"})
            return Reply(200, {"fileURL": f"{self.url}/files/{message_id}", "mimetype": media.mime_type})
        parts = path.strip("/").split("/")
        if len(parts) == 3 and parts[0] in ("message", "chat"):
            return self._evolution(request.method, parts[1], body)
        return Reply(404, {"error": "Not Found", "path": path})

    def _uazapi_message(self, body: dict[str, Any], path: str) -> dict[str, Any]:
        messageid = self.new_id()
        kind = {"/send/text": "text", "/send/media": body.get("type", "media"), "/message/react": "reaction"}[path]
        number = str(body.get("number", ""))
        return {
            "id": f"{OWNER}:{messageid}",
            "messageid": messageid,
            "chatid": number if "@" in number else f"{number}@s.whatsapp.net",
            "fromMe": True,
            "messageType": kind,
            "messageTimestamp": int(time.time() * 1000),
            "status": "Pending",
            "owner": OWNER,
            "response": {"status": "success", "message": "Message sent successfully"},
        }

    def _evolution(self, method: str, action: str, body: dict[str, Any]) -> Reply:
        if action in ("sendText", "sendMedia", "sendReaction"):
            number = str(body.get("number") or (body.get("key") or {}).get("remoteJid", ""))
            jid = number if "@" in number else f"{number}@s.whatsapp.net"
            key = {"remoteJid": jid, "fromMe": True, "id": self.new_id()}
            return Reply(201, {"key": key, "message": {}, "messageTimestamp": int(time.time()), "status": "PENDING"})
        if action == "deleteMessageForEveryone" and method == "DELETE":
            key = {"remoteJid": body.get("remoteJid"), "fromMe": body.get("fromMe"), "id": body.get("id")}
            return Reply(201, {"key": key, "message": {"protocolMessage": {"key": key, "type": "REVOKE"}}})
        if action == "getBase64FromMediaMessage":
            message_id = str(((body.get("message") or {}).get("key") or {}).get("id", ""))
            media = self.media.get(message_id)
            if media is None:
                return Reply(400, {"status": 400, "error": "Bad Request", "response": {"message": "Message not found"}})
            return Reply(201, {"mediaType": "imageMessage", "fileName": media.file_name, "mimetype": media.mime_type,
                               "base64": base64.b64encode(media.content).decode()})  # fmt: skip
        return Reply(404, {"status": 404, "error": "Not Found", "response": {"message": ["Cannot find route"]}})
