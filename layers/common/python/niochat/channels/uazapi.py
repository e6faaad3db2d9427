"""Uazapi (uazapiGO v2) client. Auth: header `token: <instance token>`.

Wire format (docs.uazapi.com OpenAPI, "Enviar Mensagem" and "Ações na mensagem"):
- POST /send/text      {number, text, replyid?}
- POST /send/media     {number, type: image|video|document|audio|ptt|sticker, file: URL or base64, text?, docName?}
- POST /message/react  {number: "<digits>@s.whatsapp.net", text: <emoji or "" to remove>, id: <message id>}
- POST /message/delete {id}
- POST /message/download {id, return_link: true} → {fileURL, mimetype, base64Data?}
Sends answer the stored message: `messageid` is WhatsApp's id (what replyid, react, delete and download take);
`id` is the same id prefixed with the instance owner (`<owner>:<messageid>`).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from niochat.channels.base import Attachment, MediaFile, ProviderError, SendResult
from niochat.channels.http import ProviderHttp

# Our media kinds → Uazapi's `type`.
MEDIA_TYPES = {
    "image": "image",
    "video": "video",
    "audio": "audio",
    "voice": "ptt",
    "document": "document",
    "sticker": "sticker",
}


def chat_jid(number: str) -> str:
    """A chat id as WhatsApp spells it: digits become `<digits>@s.whatsapp.net`; a jid passes unchanged."""
    return number if "@" in number else f"{number}@s.whatsapp.net"


def _result(answer: dict[str, Any]) -> SendResult:
    messageid = answer.get("messageid")
    full_id = answer.get("id")
    if not messageid and isinstance(full_id, str):
        messageid = full_id.split(":", 1)[-1]
    if not messageid:
        raise ProviderError("O provedor não informou o id da mensagem enviada", 200, str(answer)[:500])
    aliases = (full_id,) if isinstance(full_id, str) and full_id and full_id != messageid else ()
    return SendResult(external_id=str(messageid), raw=answer, aliases=aliases)


class UazapiClient:
    name = "uazapi"

    def __init__(self, base_url: str, token: str, http: ProviderHttp | None = None) -> None:
        self.http = http or ProviderHttp(base_url, {"token": token}, name=self.name)

    def send_text(self, number: str, text: str, reply_to: str | None = None) -> SendResult:
        body: dict[str, Any] = {"number": number, "text": text}
        if reply_to:
            body["replyid"] = reply_to
        return _result(self.http.call("POST", "/send/text", body))

    def send_media(self, number: str, file: Attachment, caption: str | None) -> SendResult:
        body: dict[str, Any] = {
            "number": number,
            "type": MEDIA_TYPES.get(file.media_type, "document"),
            "file": base64.b64encode(file.content).decode("ascii"),
        }
        if caption:
            body["text"] = caption
        if file.file_name and body["type"] == "document":
            body["docName"] = file.file_name
        return _result(self.http.call("POST", "/send/media", body))

    def react(self, number: str, external_id: str, reaction: str, from_me: bool) -> SendResult:
        body = {"number": chat_jid(number), "text": reaction, "id": external_id}
        answer = self.http.call("POST", "/message/react", body)
        return SendResult(external_id=str(answer.get("messageid") or answer.get("id") or ""), raw=answer)

    def delete(self, number: str, external_id: str, from_me: bool) -> None:
        self.http.call("POST", "/message/delete", {"id": external_id})

    def download_media(self, external_id: str, delivery: dict[str, Any]) -> MediaFile:
        answer = self.http.call("POST", "/message/download", {"id": external_id, "return_link": True})
        mime_type = answer.get("mimetype") or "application/octet-stream"
        if answer.get("fileURL"):
            content, served_as = self.http.download(str(answer["fileURL"]))
            return MediaFile(content, answer.get("mimetype") or served_as or mime_type, _file_name(delivery))
        if answer.get("base64Data"):
            try:
                content = base64.b64decode(str(answer["base64Data"]), validate=False)
            except (binascii.Error, ValueError):
                raise ProviderError("Mídia inválida na resposta do provedor", 200) from None
            return MediaFile(content, mime_type, _file_name(delivery))
        raise ProviderError("O provedor não devolveu o arquivo da mensagem", 200, str(answer)[:500])


def _file_name(delivery: dict[str, Any]) -> str | None:
    """A document's name as the webhook carried it (`message.content.fileName`), when it did."""
    message = delivery.get("message") if isinstance(delivery.get("message"), dict) else delivery
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, dict) and isinstance(content.get("fileName"), str):
        return content["fileName"] or None
    return None
