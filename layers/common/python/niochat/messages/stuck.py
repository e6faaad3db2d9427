"""Outbound messages stuck in `sending`: the function that sent one died before it recorded the provider's
answer. The `sending_timeout` timer (scheduled with the message and with each retry) fails it then, so the
agent sees it and `POST /api/messages/{id}/retry/` can send it. A message the provider did accept is `sent`
by the webhook echo first and is left alone; a late echo after the timeout still makes it `sent`."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from niochat import clock
from niochat.domain.messages import DeliveryStatus
from niochat.messages.outbound import preview_status
from niochat.settings import get_settings
from niochat.store import messages
from niochat.store.table import table
from niochat.store.writes import ConditionFailed, field

logger = Logger(child=True)
REASON = "O WhatsApp não confirmou o envio a tempo. A mensagem pode ser reenviada"


def fail_if_stuck(provedor_id: int, conversation_id: int, message_id: int) -> bool:
    """Fail the message if it is still `sending` SENDING_TIMEOUT_SECONDS after it started; True when it did."""
    message = messages.read(provedor_id, conversation_id, message_id)
    if message is None or message.get("status") != DeliveryStatus.SENDING:
        return False
    since = str(message.get("updated_at") or message["created_at"])
    unchanged = field("updated_at").eq(since) if message.get("updated_at") else field("updated_at").not_exists()
    if clock.now() - clock.epoch(since) < get_settings().sending_timeout_seconds:
        return False  # sent again since this timer was set: that send's own timer will look
    now = clock.iso()
    changes = {"status": str(DeliveryStatus.FAILED), "error": {"status": None, "message": REASON},
               "failed_at": now, "updated_at": now}  # fmt: skip
    still_sending = field("status").eq(str(DeliveryStatus.SENDING))
    op = messages.update_op(provedor_id, message, changes).when(still_sending, unchanged)
    try:
        table().write(op)
    except ConditionFailed:
        return False  # the echo or the sender recorded its outcome meanwhile
    logger.warning("an outbound message stuck in sending failed", extra={"message_id": message_id})
    preview_status(provedor_id, conversation_id, message, changes)
    return True
