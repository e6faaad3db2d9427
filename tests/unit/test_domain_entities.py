"""The entity constructors of niochat.domain: what each kind of item starts as."""

from __future__ import annotations

from niochat.domain.audit import new_entry
from niochat.domain.conversations import new_conversation
from niochat.domain.inboxes import new_inbox
from niochat.domain.media import new_file, stored
from niochat.domain.messages import new_activity, new_inbound, new_outgoing
from niochat.domain.users import Principal, UserType, new_user, reference, sender

AT = "2026-01-01T12:00:00.000000Z"
ANA = Principal(user_id=5, provedor_id=1, user_type=UserType.AGENT, username="ana", first_name="Ana")


def _inbound(from_me: bool, provider_timestamp: str | None = None) -> dict:
    return dict(
        new_inbound(
            9, 1, conversation_id=3, inbox_id=2, contact_id=4, from_me=from_me, media_type="text", content="Oi",
            external_id="EXT1", additional_attributes={"provider": "uazapi"}, at=AT,
            provider_timestamp=provider_timestamp,
        )
    )  # fmt: skip


def test_an_agents_message_is_stored_sending_with_its_sender_and_file() -> None:
    file = stored(new_file("a.pdf", "application/pdf", 10, "document"), "media/1/3/9-a.pdf")
    message = new_outgoing(
        9, 1, conversation_id=3, inbox_id=2, contact_id=4, media_type="document", content="", sender=sender(ANA),
        at=AT, file=file,
    )  # fmt: skip
    assert (message["message_type"], message["status"], message["is_from_customer"]) == ("outgoing", "sending", False)
    assert message["sender"] == {"id": 5, "username": "ana", "first_name": "Ana"}
    assert message["error"] is None and message["external_id"] is None and message["updated_at"] == AT
    assert (message["media_key"], message["media_status"], message["file_name"]) == (
        "media/1/3/9-a.pdf",
        "ready",
        "a.pdf",
    )


def test_a_delivered_message_is_the_customers_or_ours_from_the_phone() -> None:
    customer, ours = _inbound(False), _inbound(True)
    assert (customer["message_type"], customer["status"], customer["is_from_customer"]) == (
        "incoming",
        "received",
        True,
    )
    assert (ours["message_type"], ours["status"], ours["is_from_customer"]) == ("outgoing", "sent", False)
    assert customer["sender"] is None and customer["external_id"] == "EXT1" and "error" not in customer
    assert "provider_timestamp" not in customer
    assert _inbound(False, provider_timestamp=AT)["provider_timestamp"] == AT


def test_an_activity_message_has_its_actor_and_no_inbox() -> None:
    message = new_activity(
        9, 1, conversation_id=3, content="Conversa encerrada por Ana", actor=reference(ANA), at=AT, action="close"
    )
    assert (message["message_type"], message["media_type"], message["status"]) == ("activity", "activity", "sent")
    assert message["additional_attributes"] == {"action": "close"}  # what reports count closes by
    assert message["sender"] == {"id": 5, "username": "ana"}
    assert not {"inbox_id", "contact_id", "updated_at"} & message.keys()


def test_a_conversation_starts_with_the_ai_when_the_inbox_has_it_on() -> None:
    with_ai = new_conversation(1, 1, contact_id=2, inbox_id=3, channel_type="whatsapp", ai_enabled=True, now=AT)
    without = new_conversation(
        1, 1, contact_id=2, inbox_id=3, channel_type="whatsapp", ai_enabled=False, now=AT, additional_attributes=None
    )
    assert with_ai["status"] == "snoozed" and without["status"] == "pending"
    assert without["assignee_id"] is None and without["additional_attributes"] == {} and without["version"] == 1
    assert without["last_activity_at"] == AT and without["incoming_count"] == 0
    assert (without["cycle"], without["cycle_started_at"], without["channel_type"]) == (1, AT, "whatsapp")


def test_an_inbox_never_keeps_its_webhook_secret() -> None:
    secret = "s3cr3t-value-that-is-long-enough"
    inbox = new_inbox(
        1, 1, name="WhatsApp", channel_type="whatsapp", channel=None, is_active=True, settings={},
        webhook_secret=secret, webhook_secret_hash="abc", webhook_url="https://x/webhook/?secret=", now=AT,
    )  # fmt: skip
    assert all(secret not in str(value) for value in inbox.values())
    assert inbox["webhook_secret_masked"] == "s3cr…ough"
    assert inbox["webhook_url_masked"] == "https://x/webhook/?secret=s3cr…ough"
    assert (inbox["connection_status"], inbox["version"]) == ("unknown", 1)


def test_an_audit_entry_names_its_actor_or_none_for_the_system() -> None:
    by_ana = new_entry(1, 1, "conversation_closed_agent", ANA, {"conversation_id": 3}, AT)
    by_system = new_entry(2, 1, "conversation_created", None, {}, AT)
    assert (by_ana["user_id"], by_ana["user"]) == (5, {"id": 5, "username": "ana"})
    assert (by_system["user_id"], by_system["user"]) == (None, None)


def test_a_new_user_is_active_with_distinct_sorted_permissions() -> None:
    user = new_user(
        7, username="ana", password_hash="h", user_type=UserType.AGENT, provedor_id=1, now=AT, email="",
        permissions=["manage_contacts", "can_handle_transfers", "manage_contacts"],
    )  # fmt: skip
    assert user["permissions"] == ["can_handle_transfers", "manage_contacts"]
    assert user["email"] is None and user["is_active"] is True and user["user_type"] == "agent"
