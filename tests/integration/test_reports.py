"""Reports on moto through the real functions, with the clock moved: a scripted care story (customer messages,
the AI's hand-off, agent replies after measured delays, a close, a CSAT answer, a reopen a day later and a
second cycle) gives the first response, reply, resolution and satisfaction figures to the second, attributed
to the right agent; the provedor's time zone decides the day; the report calendar's rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from infra.contract.schemas import reports
from niochat.reports import recount
from niochat.timers import sweep
from tests.integration.conftest import login, post_webhook
from tests.integration.realtime.kit import StreamTap, install_fake_api
from tests.integration.webhook_world import customer_text, make_inbox
from tests.support.moved_clock import MovedClock

CONTRACT = {"/api/dashboard/stats/": reports.DashboardStats, "/api/dashboard-stats/": reports.DashboardStats,
            "/api/dashboard/response-time-hourly/": reports.HourlyResponseTimes, "/api/analysis/": reports.Analysis,
            "/api/test-analysis/": reports.Analysis, "/api/dashboard/settings/": reports.ReportCalendar}  # fmt: skip
# A Wednesday, 10:00 in São Paulo (13:00Z): inside the default opening hours.
START = datetime(2026, 12, 2, 13, 0, tzinfo=UTC).timestamp()


class Clock(MovedClock):
    def to(self, seconds_after_start: float) -> None:
        self.at = START + seconds_after_start


class Story:
    def __init__(self, api, tenant, fake, monkeypatch) -> None:
        self.api, self.pid, self.agent = api, tenant["provedor"]["id"], tenant["agent"]
        self.clock = Clock(monkeypatch, START)
        self.inbox, _ = make_inbox(self.pid, base_url=fake.url, ai_enabled=True)
        self._logins: dict[str, tuple[float, str]] = {}
        install_fake_api(monkeypatch)
        self.tap = StreamTap()
        self.conversation_id = 0
        response = api.call("PATCH", "/api/csat/settings/", {"delay_minutes": 0}, token=self.admin)
        assert response.status == 200, response.json

    def _token(self, username: str, password: str) -> str:
        """A session of `username` that is not idle for longer than a minute of the moved clock."""
        at, token = self._logins.get(username, (None, ""))
        if at is None or abs(self.clock.at - at) > 60:
            token = login(self.api, username, password)
            self._logins[username] = (self.clock.at, token)
        return token

    @property
    def admin(self) -> str:
        return self._token("admin_a", "senha-forte-1")

    @property
    def agent_token(self) -> str:
        return self._token("agent_a", "senha-forte-2")

    def surveyed(self) -> None:
        """The stream's listeners ran (a close makes the CSAT request), then the timers (the survey goes out)."""
        self.tap.drain()
        sweep.sweep()
        self.tap.drain()

    def customer(self, at: float, text: str) -> dict:
        self.clock.to(at)
        answer = post_webhook(customer_text(text)).json
        self.conversation_id = answer["conversation_id"]
        return answer

    def reply(self, at: float, text: str, token: str | None = None) -> None:
        self.clock.to(at)
        body = {"conversation_id": self.conversation_id, "content": text}
        response = self.api.post("/api/messages/send_text/", body, token=token or self.agent_token)
        assert response.status in (200, 201), response.json

    def act(self, at: float, action: str, body: dict | None = None) -> dict:
        self.clock.to(at)
        response = self.api.post(f"/api/conversations/{self.conversation_id}/{action}/", body or {}, token=self.admin)
        assert response.status == 200, response.json
        return response.json

    def patch_status(self, at: float, status: str) -> None:
        self.clock.to(at)
        path = f"/api/conversations/{self.conversation_id}/"
        response = self.api.call("PATCH", path, {"status": status}, token=self.admin)
        assert response.status == 200, response.json

    def get(self, path: str, token: str | None = None, **query) -> dict:
        """A report, checked against its contract model (rows included, which the fuzz run rarely fills)."""
        response = self.api.get(path, token=token or self.admin, query={k: str(v) for k, v in query.items()})
        assert response.status == 200, response.json
        CONTRACT[path].model_validate(response.json)
        return response.json


@pytest.fixture
def story(api, tenant, fake_provider, monkeypatch) -> Story:
    monkeypatch.setenv("PROVIDER_MAX_ATTEMPTS", "1")
    return Story(api, tenant, fake_provider, monkeypatch)


def test_a_care_story_gives_exact_first_response_reply_resolution_and_satisfaction(story):
    agent_id = story.agent["id"]
    story.customer(0, "Oi, minha internet caiu")  # the conversation starts with the AI (snoozed)
    story.customer(20, "Alguém aí?")
    story.patch_status(60, "pending")  # the AI hands off to humans at 60 s
    story.act(90, "assign", {"user_id": agent_id})
    story.reply(150, "Olá! Vou verificar.")  # first response: 150 - 60 = 90 s (from the hand-off)
    story.customer(200, "Obrigado")
    story.reply(245, "Pode reiniciar o roteador?")  # reply: 45 s
    story.customer(300, "Reiniciei")
    story.customer(310, "Voltou!")
    story.reply(400, "Ótimo!")  # reply: 100 s, from the first waiting message (300)
    story.reply(410, "Algo mais?")  # nobody was waiting: no sample
    story.act(600, "close")  # resolution: 600 s
    story.surveyed()
    story.customer(650, "5")  # the CSAT answer, in the closed conversation: waits for no reply
    story.tap.drain()
    day1 = story.get("/api/dashboard/stats/", days=1)
    assert day1["tempo_primeira_resposta_seconds"] == 90.0 and day1["tempo_primeira_resposta"] == "1.5min"
    assert day1["tempo_medio_resposta_seconds"] == 72.5 and day1["tempo_medio_resposta"] == "1.2min"
    assert day1["tempo_medio_resolucao_seconds"] == 600.0 and day1["tempo_medio_resolucao"] == "10.0min"

    # A day later the conversation is reopened and answered 30 s after the reopen.
    story.act(86400 + 600, "reopen")
    story.reply(86400 + 630, "Voltei para acompanhar")  # cycle 2's first response: 30 s, not a day
    story.customer(86400 + 700, "Está tudo certo")
    story.reply(86400 + 760, "Que bom!")  # reply: 60 s
    story.act(86400 + 900, "close")  # resolution: 300 s
    story.surveyed()
    story.customer(86400 + 960, "3")
    story.tap.drain()

    stats = story.get("/api/dashboard/stats/", days=7)
    assert stats["tempo_primeira_resposta_seconds"] == 60.0  # (90 + 30) / 2
    assert stats["tempo_medio_resposta_seconds"] == round((45 + 100 + 60) / 3, 1)
    assert stats["tempo_medio_resolucao_seconds"] == 450.0  # (600 + 300) / 2
    assert stats["taxa_resolucao"] == "100%"  # 2 cycles started (a creation and a reopen), 2 closed
    assert stats["conversas_resolvidas"] == 1 and stats["conversas_abertas"] == 0
    assert stats["canais"] == [{"inbox__channel_type": "whatsapp", "total": 1}]
    assert stats["satisfacao_media"] == "4.0" and stats["satisfacao"]["satisfaction_rate"] == 50.0
    assert stats["satisfacao"]["response_rate"] == 100.0 and stats["satisfacao"]["surveys_sent"] == 2
    (row,) = [a for a in stats["atendentes"] if a["id"] == agent_id]
    assert (row["first_response_seconds"], row["resolved"], row["name"]) == (60.0, 2, "Beto")
    assert row["satisfaction"] == 4.0
    assert row["reply_seconds"] == round(205 / 3, 1) and row["messages_sent"] == 6
    admin_row = [a for a in stats["atendentes"] if a["id"] != agent_id]
    assert all(a["resolved"] == 0 and a["first_response_seconds"] is None for a in admin_row)
    assert stats["atividades"][0]["action"] == "conversation_closed_agent"

    # The agent sees the same figures as their own; hourly buckets hold every reply by local hour.
    mine = story.get("/api/dashboard/stats/", token=story.agent_token, days=7)
    assert mine["tempo_primeira_resposta_seconds"] == 60.0 and [a["id"] for a in mine["atendentes"]] == [agent_id]
    hourly = story.get("/api/dashboard/response-time-hourly/", days=7)
    # Every reply of both days was sent between 10:00 and 11:00 local: 90, 45, 100, 30 and 60 s.
    assert len(hourly) == 24 and hourly[10] == {"time": "10:00", "avg": round(325 / 5 / 60, 1),
                                                 "max": round(100 / 60, 1), "count": 5}  # fmt: skip
    assert sum(h["count"] for h in hourly) == 5 and hourly[9] == {"time": "09:00", "avg": 0.0, "max": 0.0, "count": 0}
    # The stream's figures equal a recount from the items.
    assert recount.kept(story.pid) == recount.totals(story.pid)


def test_a_message_at_half_past_eleven_at_night_counts_on_that_local_day(story):
    story.clock.to(0)
    late = datetime(2026, 12, 3, 2, 30, tzinfo=UTC).timestamp() - START  # 23:30 on the 2nd in São Paulo
    story.customer(late, "Boa noite")
    story.tap.drain()
    story.clock.to(late + 60)
    days = {day: values for day, values in recount.kept(story.pid).items()}
    assert days["2026-12-02"]["messages_received"] == 1 and "2026-12-03" not in days
    # In another zone the same moment is the next day.
    response = story.api.call("PATCH", "/api/dashboard/settings/", {"timezone": "Europe/Lisbon"}, token=story.admin)
    assert response.status == 200 and response.json["timezone"] == "Europe/Lisbon"
    assert "2026-12-03" in recount.totals(story.pid)


def test_the_report_calendar_is_validated_and_only_admins_change_it(story):
    shown = story.get("/api/dashboard/settings/")
    assert shown["timezone"] == "America/Sao_Paulo" and shown["business_hours"]["monday"] == ["08:00-18:00"]
    assert shown["business_hours"]["sunday"] == []
    for body, field in [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"business_hours": {"monday": ["18:00-08:00"]}}, "business_hours"),
        ({"business_hours": {"monday": ["08:00-12:00", "11:00-13:00"]}}, "business_hours"),
        ({"business_hours": {"funday": ["08:00-12:00"]}}, "business_hours"),
        ({"business_hours": {"monday": ["8h-12h"]}}, "business_hours"),
    ]:
        response = story.api.call("PATCH", "/api/dashboard/settings/", body, token=story.admin)
        assert response.status == 400 and response.json["error"] == "ValidationError", body
        assert field in str(response.json["details"]), response.json
    refused = story.api.call("PATCH", "/api/dashboard/settings/", {"timezone": "UTC"}, token=story.agent_token)
    assert refused.status == 403
    body = {"business_hours": {"saturday": ["09:00-13:00"], "monday": []}}
    changed = story.api.call("PATCH", "/api/dashboard/settings/", body, token=story.admin).json
    assert changed["business_hours"]["saturday"] == ["09:00-13:00"] and changed["business_hours"]["monday"] == []
    assert changed["business_hours"]["tuesday"] == ["08:00-18:00"]


def test_business_hours_count_only_the_time_inside_opening_hours(story):
    # Friday 17:50 local → the reply on Monday 08:10: 10 min on Friday + 10 min on Monday inside the hours.
    friday = datetime(2026, 12, 4, 20, 50, tzinfo=UTC).timestamp() - START
    monday = datetime(2026, 12, 7, 11, 10, tzinfo=UTC).timestamp() - START
    story.customer(friday, "Sexta no fim do dia")
    story.patch_status(friday, "pending")
    story.act(friday, "assign", {"user_id": story.agent["id"]})
    story.reply(monday, "Bom dia!")
    story.tap.drain()
    plain = story.get("/api/dashboard/stats/", days=7)
    inside = story.get("/api/dashboard/stats/", days=7, business_hours="true")
    assert plain["tempo_primeira_resposta_seconds"] == monday - friday
    assert inside["tempo_primeira_resposta_seconds"] == 1200.0 and inside["business_hours"] is True


def test_analysis_periods_are_zero_filled_and_compare_with_the_previous_period(story):
    story.customer(0, "Oi")
    story.tap.drain()
    week = story.get("/api/analysis/")
    assert week["period"] == "week" and len(week["conversationsByDay"]) == 7
    assert week["conversationsByDay"][-1] == {"date": "02/12", "day": "2026-12-02", "conversations": 1}
    assert sum(d["conversations"] for d in week["conversationsByDay"]) == 1
    assert week["summary"]["totalConversations"] == 1 and week["previous"]["summary"]["totalConversations"] == 0
    assert week["date_range"] == {"start": "2026-11-26", "end": "2026-12-02"}
    assert week["channels"] == [{"channel": "whatsapp", "conversations": 1}]
    assert len(story.get("/api/analysis/", period="quarter")["conversationsByDay"]) == 90
    assert story.get("/api/test-analysis/", period="today")["summary"]["totalConversations"] == 1
    wrong = story.api.get("/api/analysis/", token=story.admin, query={"period": "year"})
    assert wrong.status == 400 and wrong.json["error"] == "ValidationError"
