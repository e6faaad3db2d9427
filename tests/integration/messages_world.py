"""Messages test world: the conversation world with an inbox wired to a fake provider, and helpers that
store customer messages and post multipart forms as API Gateway would (base64 body)."""

from __future__ import annotations

import base64
import uuid
from typing import Any

from niochat import clock
from niochat.domain.messages import new_message_id
from niochat.store import messages
from niochat.store.contacts import contacts
from niochat.store.table import table
from niochat.store.writes import Update
from tests.integration import conversation_world as cw
from tests.integration.conftest import LambdaContext, Response, load_function, rest_event
from tests.support.customer_messages import customer_text, stored_ops


def provider_inbox(provedor_id: int, base_url: str, provider: str = "uazapi", name: str = "WhatsApp API") -> dict:
    settings = {"provider": provider, "base_url": base_url, "token": f"tok-{provider}", "instance": "loja"}
    return cw.make_inbox(provedor_id, name, settings=settings)


def build(base_url: str, provider: str = "uazapi") -> dict[str, Any]:
    world = cw.build()
    world["inbox"] = provider_inbox(world["pid"], base_url, provider)
    world["conversation"] = cw.new_conversation(world)
    return world


_sequence: dict[str, int] = {"last": 0}


def next_id() -> int:
    """Message ids strictly increasing within a test (real ones may share a millisecond)."""
    candidate = new_message_id(clock.now())
    _sequence["last"] = max(candidate, _sequence["last"] + 4096)
    return _sequence["last"]


def customer_message(world: dict, content: str, conversation: dict | None = None, **fields: Any) -> dict:
    """A customer message stored the way the inbound path does: message, conversation update (incoming count)
    and one more unread message on the contact, in one transaction."""
    conversation = conversation or world["conversation"]
    pid = world["pid"]
    external_id = f"IN{uuid.uuid4().hex[:16].upper()}"
    message: dict[str, Any] = {**customer_text(pid, conversation, content, external_id, next_id()), **fields}
    pk, sk = contacts.key(pid, conversation["contact_id"])
    unread = Update("contact", pk, sk).add("unread_messages", 1)
    table().transact(
        [
            *stored_ops(pid, message),
            messages.external_put_op(pid, conversation["inbox_id"], message["external_id"], message),
            unread,
        ]
    )
    return message


def multipart_body(fields: dict[str, str], files: dict[str, tuple[str, str, bytes]]) -> tuple[str, bytes]:
    boundary = f"----niochat{uuid.uuid4().hex}"
    chunks: list[bytes] = []
    for name, value in fields.items():
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (file_name, content_type, content) in files.items():
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n")  # fmt: skip
        chunks.append(head.encode() + content + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(chunks)


def post_multipart(
    path: str, fields: dict[str, str], files: dict[str, tuple[str, str, bytes]], token: str, function: str = "messages"
) -> Response:
    content_type, body = multipart_body(fields, files)
    event = rest_event("POST", path, token=token, headers={"Content-Type": content_type})
    event["body"] = base64.b64encode(body).decode()
    event["isBase64Encoded"] = True
    return Response(load_function(function).lambda_handler(event, LambdaContext()))
