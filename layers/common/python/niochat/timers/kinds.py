"""What each kind of timer does. A handler gets the timer's provedor and args; returning means done, raising
means "try again after the lease" (up to sweep.MAX_ATTEMPTS). Handlers must be safe to run twice: a sweep may
die after the work and before it deletes the timer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Handler = Callable[[int, Mapping[str, Any]], None]

MEDIA_DOWNLOAD = "media_download"
SENDING_TIMEOUT = "sending_timeout"
CSAT_SEND = "csat_send"
CSAT_EXPIRE = "csat_expire"
CSAT_THANKS = "csat_thanks"
CHAT_ROOM_PURGE = "chat_room_purge"
RECOVERY_ATTEMPT = "recovery_attempt"


def _media_download(provedor_id: int, args: Mapping[str, Any]) -> None:
    from niochat.webhooks.media import retry_scheduled

    retry_scheduled(provedor_id, int(args["conversation_id"]), int(args["message_id"]))


def _sending_timeout(provedor_id: int, args: Mapping[str, Any]) -> None:
    from niochat.messages.stuck import fail_if_stuck

    fail_if_stuck(provedor_id, int(args["conversation_id"]), int(args["message_id"]))


def _csat(step: str) -> Handler:
    def run(provedor_id: int, args: Mapping[str, Any]) -> None:
        from niochat.csat import requests

        getattr(requests, step)(provedor_id, int(args["request_id"]))

    return run


def _chat_room_purge(provedor_id: int, args: Mapping[str, Any]) -> None:
    from niochat.chat import rooms

    rooms.purge(provedor_id, int(args["room_id"]), int(args.get("part") or 0))


def _recovery_attempt(provedor_id: int, args: Mapping[str, Any]) -> None:
    from niochat.recovery import attempts

    attempts.run(provedor_id, int(args["conversation_id"]))


HANDLERS: dict[str, Handler] = {
    MEDIA_DOWNLOAD: _media_download,
    SENDING_TIMEOUT: _sending_timeout,
    CSAT_SEND: _csat("send"),
    CSAT_EXPIRE: _csat("expire"),
    CSAT_THANKS: _csat("thank"),
    CHAT_ROOM_PURGE: _chat_room_purge,
    RECOVERY_ATTEMPT: _recovery_attempt,
}
