"""Recovery campaigns: settings and statistics."""

from __future__ import annotations

from pydantic import Field

from infra.contract.schemas.common import Shape, Timestamp


class RecoverySettings(Shape):
    provedor: int
    enabled: bool
    auto_recovery: bool = Field(description="The seed's name for `enabled`")
    delay_minutes: int = Field(description="Silence after the customer's last message before the first attempt")
    recovery_interval: int = Field(description="Minutes between attempts")
    max_attempts: int
    keywords: list[str] = Field(description="A customer message mentioning one makes the conversation a lead")
    message: str = Field(description="Placeholders: {nome} (the contact's first name) and {provedor}")
    use_ai: bool = Field(description="The provedor's assistant rewrites the message (200 characters at most)")
    auto_discount: bool
    discount_percentage: int
    quiet_hours: bool = Field(description="Send only inside the provedor's opening hours (/api/dashboard/settings/)")
    placeholders: list[str]
    updated_at: Timestamp | None


class RecoveryActivity(Shape):
    id: int
    contact_name: str
    phone: str
    status: str = Field(description="pending, sent, recovered, no_response or failed")
    message_sent: str
    sent_at: Timestamp | None
    recovery_reason: str
    attempt_number: int


class RecoveryStatsBody(Shape):
    total_attempts: int
    successful_recoveries: int = Field(description="Leads whose customer replied within 48 h of an attempt")
    pending_recoveries: int = Field(description="Sent attempts still waiting for an answer")
    conversion_rate: float = Field(description="Recovered leads per lead with at least one attempt, in percent")
    recent_activities: list[RecoveryActivity]


class RecoveryLead(Shape):
    conversation_id: int
    contact_name: str
    phone: str
    status: str = Field(description="watching, attempting, recovered, stopped or no_response")
    attempts: int
    keyword: str | None
    last_customer_at: Timestamp | None
    last_attempt_at: Timestamp | None
    recovered_at: Timestamp | None


class RecoveryStats(Shape):
    stats: RecoveryStatsBody
    conversations: list[RecoveryLead] = Field(description="The newest leads (20)")
