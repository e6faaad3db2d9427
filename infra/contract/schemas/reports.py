"""The report endpoints' figures (niochat.reports) and a day's figures of the `dashboard_metrics` event.
docs/metrics.md defines each. Days are local to the provedor's time zone; a duration without samples is null
in seconds and "0min" as text."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, RootModel

from infra.contract.schemas.common import Shape, Timestamp

DURATION_TEXT = 'as the seed shows it ("45s", "1.2min", "2h 5min"; "0min" without samples)'


class DateRange(Shape):
    start: str = Field(description="The first local day (YYYY-MM-DD)")
    end: str = Field(description="The last local day (YYYY-MM-DD)")


# -- GET /api/dashboard/stats/ ------------------------------------------------------------------------------
class Satisfaction(Shape):
    """The window's CSAT, attributed to the assignee at the close (an agent: the answers about theirs)."""

    average: float | None = Field(description="Mean rating (1–5), one decimal; null without answers")
    answers: int
    surveys_sent: int
    satisfaction_rate: float | None = Field(description="% of the answers rated 4 or 5; null without answers")
    response_rate: float | None = Field(description="Answers / surveys sent, in %; null when none was sent")


class ChannelTotal(Shape):
    inbox__channel_type: str = Field(description="The inbox's channel (`unknown` when it had none)")
    total: int


class AgentFigures(Shape):
    id: int
    name: str = Field(description="The user's first name, else their username")
    conversations: int = Field(description="Open, pending and snoozed conversations assigned to them now")
    satisfaction: float | None = Field(description="Mean CSAT rating attributed to them; null without answers")
    first_response_seconds: float | None
    reply_seconds: float | None
    resolved: int = Field(description="Care cycles closed in the window while assigned to them")
    messages_sent: int


class Activity(Shape):
    action: str = Field(description="The audit entry's action")
    user: str = Field(description="Who did it (username), or `sistema`")
    time: str = Field(description="Local time, DD/MM/YYYY HH:MM")
    timestamp: Timestamp
    type: Literal["activity"]


class DashboardStats(Shape):
    """Admins (and a superadmin naming the provedor) get the provedor's figures, an agent their own."""

    period_days: int = Field(description="The window: this many local days, ending today")
    date_range: DateRange
    timezone: str = Field(description="The provedor's IANA time zone")
    business_hours: bool = Field(description="Durations count only the seconds inside the opening hours")
    total_conversas: int = Field(description="Conversations in any status now (an agent: assigned to them)")
    conversas_abertas: int = Field(description="Open now")
    conversas_pendentes: int = Field(description="Pending now")
    conversas_com_ia: int = Field(description="Snoozed (with the AI) now")
    conversas_resolvidas: int = Field(description="Closed now")
    conversas_em_andamento: int = Field(description="Open and assigned now")
    contatos_unicos: int = Field(description="The provedor's contacts, for every caller")
    mensagens_30_dias: int = Field(description="The window's messages received and sent (an agent: sent by them)")
    tempo_medio_resposta: str = Field(description=f"The mean reply time, {DURATION_TEXT}")
    tempo_medio_resposta_seconds: float | None
    tempo_primeira_resposta: str = Field(description=f"The mean first response time, {DURATION_TEXT}")
    tempo_primeira_resposta_seconds: float | None
    tempo_medio_resolucao: str = Field(description=f"The mean resolution time, {DURATION_TEXT}")
    tempo_medio_resolucao_seconds: float | None
    taxa_resolucao: str = Field(description='taxa_resolucao_percent rounded, as text ("83%"; "0%" when null)')
    taxa_resolucao_percent: float | None = Field(
        description="Closes / care cycles started (creations + reopens) in the window, in % (an agent: the "
        "cycles they closed / those + the conversations they hold now); null when nothing to divide by"
    )
    satisfacao_media: str = Field(description='satisfacao.average with one decimal ("0.0" without answers)')
    satisfacao: Satisfaction
    canais: list[ChannelTotal] = Field(
        description="Per channel, most first: conversations created in the window (an agent: the cycles they "
        "closed in it)"
    )
    atendentes: list[AgentFigures] = Field(
        description="Admins: every admin and agent of the provedor, busiest first; an agent: themself"
    )
    atividades: list[Activity] = Field(
        description="The newest audit entries (up to 10), newest first; an agent: their own actions"
    )


# -- GET /api/dashboard/response-time-hourly/ ---------------------------------------------------------------
class HourFigures(Shape):
    time: str = Field(description="The local hour, HH:00")
    avg: float = Field(description="Mean response time of the human replies sent in that hour, in minutes; 0.0 without")
    max: float = Field(description="The longest of them, in minutes; 0.0 without")
    count: int = Field(description="Human replies sent in that hour of the window's days")


class HourlyResponseTimes(RootModel[list[HourFigures]]):
    """The provedor's figures for every caller, one entry per local hour from 00:00 to 23:00."""

    root: list[HourFigures] = Field(min_length=24, max_length=24)


# -- GET /api/analysis/ -------------------------------------------------------------------------------------
class AnalysisSummary(Shape):
    totalConversations: int = Field(description="Conversations created (an agent: the care cycles they closed)")
    avgResponseTime: str = Field(
        description=f"The mean response time of every human reply (first responses and later ones), {DURATION_TEXT}"
    )
    avgResponseTimeSeconds: float | None
    activeAgents: int = Field(description="Agents who sent a message (an agent's own view: 1 or 0)")
    satisfactionRate: str = Field(description='satisfactionRatePercent with one decimal ("0.0" without answers)')
    satisfactionRatePercent: float | None = Field(description="% of CSAT answers rated 4 or 5; null without answers")
    csatAnswers: int


class AnalysisDay(Shape):
    date: str = Field(description="The local day as DD/MM")
    day: str = Field(description="The local day as YYYY-MM-DD")
    conversations: int = Field(description="As summary.totalConversations, for that day")


class AnalysisChannel(Shape):
    channel: str
    conversations: int = Field(description="Created in the period (an agent: the care cycles they closed)")


class PreviousPeriod(Shape):
    date_range: DateRange
    summary: AnalysisSummary


class Analysis(Shape):
    """A period ending today, beside the previous period of the same length (an agent: their own figures)."""

    period: Literal["today", "week", "month", "quarter"] = Field(description="1, 7, 30 or 90 local days")
    timezone: str = Field(description="The provedor's IANA time zone")
    business_hours: bool = Field(description="Durations count only the seconds inside the opening hours")
    date_range: DateRange
    summary: AnalysisSummary
    conversationsByDay: list[AnalysisDay] = Field(description="Every day of the period, oldest first, zeros included")
    channels: list[AnalysisChannel] = Field(description="Most first")
    previous: PreviousPeriod


# -- GET/PATCH /api/dashboard/settings/ ---------------------------------------------------------------------
class BusinessHours(Shape):
    """Each weekday's opening periods, local `HH:MM-HH:MM` in order; [] when closed."""

    monday: list[str]
    tuesday: list[str]
    wednesday: list[str]
    thursday: list[str]
    friday: list[str]
    saturday: list[str]
    sunday: list[str]


class ReportCalendar(Shape):
    provedor: int
    timezone: str = Field(description="IANA name (default America/Sao_Paulo)")
    business_hours: BusinessHours = Field(description="Default: Monday to Friday, 08:00-18:00")
    updated_at: Timestamp | None = Field(description="null until an admin changes the calendar")


# -- the `dashboard_metrics` event --------------------------------------------------------------------------
class DayFigures(Shape):
    """Today's figures for the whole provedor (niochat.domain.reports.day_view)."""

    date: str = Field(description="The local day (YYYY-MM-DD)")
    messages_received: int
    messages_sent: int
    conversations_created: int
    conversations_closed: int
    conversations_reopened: int
    csat_answers: int
    csat_average: float | None = Field(description="Mean rating (1–5), one decimal; null without answers")
    csat_sent: int
    first_response_seconds: float | None = Field(description="Mean; null without samples")
    first_response_samples: int
    reply_seconds: float | None = Field(description="Mean; null without samples")
    reply_samples: int
    resolution_seconds: float | None = Field(description="Mean; null without samples")
    resolution_samples: int
    last_message_at: Timestamp | None
