"""CSAT facts (pure): which changes count for the statistics, on which local day, for whom."""

from __future__ import annotations

from niochat.domain import csat
from niochat.domain.calendar import Calendar
from niochat.domain.reports import csat_of_day, day_view, facts_of_change, is_count

OFFSET = Calendar()  # America/Sao_Paulo
AGENT = {"id": 7, "username": "ana", "first_name": "Ana"}


def _request(**fields):
    conversation = {"id": 42, "provedor_id": 1, "contact_id": 3, "inbox_id": 2, "assignee": AGENT, "team": None,
                    "closed_at": "2026-12-01T02:30:00.000000Z"}  # fmt: skip
    request = csat.new_request(100, conversation, "Tito", "whatsapp", "2026-12-01T02:32:00.000000Z",
                               "2026-12-01T02:30:00.000000Z")  # fmt: skip
    request.update(fields)
    return request


def _feedback(value: int, at: str = "2026-12-01T02:35:00.000000Z", agent=AGENT):
    request = _request(agent=agent)
    return csat.new_feedback(200, request, {"name": "Tito"}, csat.Rating(value, ""), str(value), "whatsapp", at)


def test_an_answer_counts_on_its_local_day_for_the_provedor_and_its_agent():
    (fact,) = facts_of_change("csat_feedback", None, _feedback(4), OFFSET)
    assert fact.id == "fb#200" and fact.day == "2026-11-30"  # 02:35 UTC is 23:35 in Brazil
    assert fact.amounts == {"csat_r4": 1, "csat_ch_whatsapp": 1, "csat_a_7_r4": 1, "csat_a_7_ch_whatsapp": 1}


def test_an_answer_without_an_agent_counts_for_none():
    (fact,) = facts_of_change("csat_feedback", None, _feedback(1, agent=None), OFFSET)
    assert "csat_a_none_r1" in fact.amounts


def test_a_survey_counts_once_when_it_is_first_sent():
    pending, sent = _request(), _request(status="sent", sent_at="2026-12-01T12:00:00.000000Z")
    (fact,) = facts_of_change("csat_request", pending, sent, OFFSET)
    assert fact.id == "csatsent#100" and fact.day == "2026-12-01"
    assert fact.amounts == {"csat_sent": 1, "csat_a_7_sent": 1}
    answered = {**sent, "status": "answered"}
    assert facts_of_change("csat_request", sent, answered, OFFSET) == []
    assert facts_of_change("csat_request", None, pending, OFFSET) == []
    assert facts_of_change("csat_feedback", _feedback(3), _feedback(3), OFFSET) == []  # a change, not an arrival


def test_a_day_s_figures_for_the_provedor_and_for_one_agent():
    day = {"csat_r5": 2, "csat_r1": 1, "csat_ch_whatsapp": 3, "csat_sent": 4, "csat_a_7_r5": 1, "csat_a_7_sent": 2,
           "messages_received": 9}  # fmt: skip
    assert csat_of_day(day) == {"ratings": {1: 1, 2: 0, 3: 0, 4: 0, 5: 2}, "channels": {"whatsapp": 3}, "sent": 4}
    assert csat_of_day(day, "7") == {"ratings": {1: 0, 2: 0, 3: 0, 4: 0, 5: 1}, "channels": {}, "sent": 2}
    shown = day_view("2026-12-01", day)
    assert shown["csat_answers"] == 3 and shown["csat_average"] == 3.7 and shown["csat_sent"] == 4
    assert day_view("2026-12-01", None)["csat_average"] is None
    assert is_count("csat_a_7_r5") and is_count("messages_sent") and not is_count("last_message_at")
