"""Evolution API v2 client. Auth: header `apikey: <instance token>`; the instance name is in every path.

Wire format (EvolutionAPI/evolution-api src/api/routes and dto: SendTextDto, SendMediaDto, SendReactionDto,
DeleteMessage, getBase64FromMediaMessageDto):
- POST   /message/sendText/{instance}     {number, text, quoted?: {key: {id}}}
- POST   /message/sendMedia/{instance}    {number, mediatype: image|video|audio|document, mimetype, caption,
                                           fileName, media: URL or base64}
- POST   /message/sendReaction/{instance} {key: {remoteJid, fromMe, id}, reaction: <emoji or "" to remove>}
- DELETE /chat/deleteMessageForEveryone/{instance} {id, remoteJid, fromMe}
- POST   /chat/getBase64FromMediaMessage/{instance} {message: {key: {id}}, convertToMp4: false}
         → {mediaType, fileName, mimetype, base64}
Sends answer the WhatsApp message (`{key: {remoteJid, fromMe, id}, ...}`); `key.id` is its id.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import quote

from niochat.channels.base import Attachment, MediaFile, ProviderError, SendResult
from niochat.channels.http import ProviderHttp
from niochat.channels.uazapi import chat_jid

# Our media kinds → Evolution's `mediatype` (voice notes and stickers travel as audio and image here).
MEDIA_TYPES = {
    "image": "image",
    "video": "video",
    "audio": "audio",
    "voice": "audio",
    "document": "document",
    "sticker": "image",
}
# Webhook message kinds that carry media, and where their mime type and file name are.
MEDIA_MESSAGES = ("imageMessage", "videoMessage", "audioMessage", "documentMessage", "stickerMessage",
                  "documentWithCaptionMessage")  # fmt: skip


def _object(value: Any) -> dict[str, Any]:
    """A JSON object as is; anything else (absent, null, a list) as an empty one."""
    return value if isinstance(value, dict) else {}


def _result(answer: dict[str, Any]) -> SendResult:
    key = _object(answer.get("key"))
    external_id = key.get("id")
    if not external_id:
        raise ProviderError("O provedor não informou o id da mensagem enviada", 200, str(answer)[:500])
    return SendResult(external_id=str(external_id), raw=answer)


def _decode(data: str) -> bytes:
    if data.startswith("data:") and "," in data:
        data = data.split(",", 1)[1]
    try:
        return base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError):
        raise ProviderError("Mídia inválida na resposta do provedor", 200) from None


def _media_message(data: dict[str, Any]) -> dict[str, Any]:
    message = _object(data.get("message"))
    for kind in MEDIA_MESSAGES:
        inner = message.get(kind)
        if isinstance(inner, dict):
            nested = (inner.get("message") or {}).get("documentMessage")  # documentWithCaptionMessage
            return nested if isinstance(nested, dict) else inner
    return {}


class EvolutionClient:
    name = "evolution"

    def __init__(self, base_url: str, instance: str, token: str, http: ProviderHttp | None = None) -> None:
        self.instance = quote(instance, safe="")
        self.http = http or ProviderHttp(base_url, {"apikey": token}, name=self.name)

    def send_text(self, number: str, text: str, reply_to: str | None = None) -> SendResult:
        body: dict[str, Any] = {"number": number, "text": text}
        if reply_to:
            body["quoted"] = {"key": {"id": reply_to}}
        return _result(self.http.call("POST", f"/message/sendText/{self.instance}", body))

    def send_media(self, number: str, file: Attachment, caption: str | None) -> SendResult:
        body: dict[str, Any] = {
            "number": number,
            "mediatype": MEDIA_TYPES.get(file.media_type, "document"),
            "mimetype": file.mime_type,
            "caption": caption or "",
            "fileName": file.file_name or "arquivo",
            "media": base64.b64encode(file.content).decode("ascii"),
        }
        return _result(self.http.call("POST", f"/message/sendMedia/{self.instance}", body))

    def react(self, number: str, external_id: str, reaction: str, from_me: bool) -> SendResult:
        body = {"key": {"remoteJid": chat_jid(number), "fromMe": from_me, "id": external_id}, "reaction": reaction}
        answer = self.http.call("POST", f"/message/sendReaction/{self.instance}", body)
        key = _object(answer.get("key"))
        return SendResult(external_id=str(key.get("id") or ""), raw=answer)

    def delete(self, number: str, external_id: str, from_me: bool) -> None:
        body = {"id": external_id, "remoteJid": chat_jid(number), "fromMe": from_me}
        self.http.call("DELETE", f"/chat/deleteMessageForEveryone/{self.instance}", body)

    def download_media(self, external_id: str, delivery: dict[str, Any]) -> MediaFile:
        """From the webhook when it carries the media (`data.base64`, `data.message.base64`, `mediaUrl`),
        else asked of the provider."""
        wrapped = delivery.get("data")
        data = wrapped if isinstance(wrapped, dict) else delivery
        message = _object(data.get("message"))
        described = _media_message(data)
        mime_type = described.get("mimetype") or "application/octet-stream"
        file_name = described.get("fileName") or None
        inline = data.get("base64") or message.get("base64")
        if isinstance(inline, str) and inline:
            return MediaFile(_decode(inline), mime_type, file_name)
        url = message.get("mediaUrl") or data.get("mediaUrl")
        if isinstance(url, str) and url:
            content, served_as = self.http.download(url)
            return MediaFile(content, described.get("mimetype") or served_as or mime_type, file_name)
        body = {"message": {"key": {"id": external_id}}, "convertToMp4": False}
        answer = self.http.call("POST", f"/chat/getBase64FromMediaMessage/{self.instance}", body)
        if not isinstance(answer.get("base64"), str) or not answer["base64"]:
            raise ProviderError("O provedor não devolveu o arquivo da mensagem", 200, str(answer)[:500])
        return MediaFile(
            _decode(answer["base64"]), answer.get("mimetype") or mime_type, answer.get("fileName") or file_name
        )
