"""The AI assistant on moto, through the real functions: customers' WhatsApp messages (the webhooks function)
reach the ai function from the stream, which asks a fake OpenAI-compatible model (real HTTP on loopback),
calls a fake SGP for the tools, and answers through the fake WhatsApp provider. Its settings and the agents'
trial endpoint are called over the REST handlers."""

from __future__ import annotations

import importlib
import itertools
import json
import logging
import os
import time

import boto3
import pytest

from infra import stream_filter
from infra.lambda_runtime import LambdaContext, StreamReader, load_function
from niochat.sgp import client as sgp_client
from niochat.timers import sweep
from tests.integration.conftest import login, post_webhook
from tests.integration.realtime.kit import StreamTap, install_fake_api
from tests.integration.webhook_world import conversation, make_inbox, make_provedor, uazapi
from tests.support.fake_model import FakeModel
from tests.support.fake_provider import FakeProvider, Reply
from tests.support.fake_sgp import CONTRACT, CPF, PIX_CODE, PROTOCOL, SECRETS, FakeSgp, fixture

HANDOFF = "Vou transferir você para um de nossos atendentes. Aguarde um momento, por favor."
CNPJ = "11.222.333/0001-81"

TEXT = "from-others-text.sent.json"
API_KEY = "sk-provedor-a-0123456789"
_ids = itertools.count(1)


def say(text: str) -> dict:
    n = next(_ids)
    payload = uazapi(TEXT, messageid=f"AI{n:030d}", id=f"x:AI{n:030d}", text=text)
    payload["message"]["content"]["text"] = text
    return payload


class AssistantTap(StreamReader):
    """The ai function's event source mapping: new customer messages from the stream, as Lambda delivers them."""

    def __init__(self) -> None:
        super().__init__()
        self.delivered: list[dict] = []

    def read(self) -> list[dict]:
        return [r for r in super().read() if stream_filter.matches(r, stream_filter.ASSISTANT_PATTERNS)]

    def deliver(self, records: list[dict] | None = None) -> dict:
        batch = self.read() if records is None else records
        self.delivered += batch
        return load_function("ai").lambda_handler({"Records": batch}, LambdaContext())


class World:
    def __init__(self, api, tenant, provider: FakeProvider, model: FakeModel, sgp: FakeSgp) -> None:
        self.api, self.provider, self.model, self.sgp = api, provider, model, sgp
        self.pid = tenant["provedor"]["id"]
        self.inbox, _ = make_inbox(self.pid, base_url=provider.url, ai_enabled=True)
        self.admin = login(api, "admin_a", "senha-forte-1")
        self.agent = login(api, "agent_a", "senha-forte-2")
        self.tap = AssistantTap()
        ai = {"enabled": True, "base_url": model.base_url, "api_key": API_KEY, "assistant_name": "Nina",
              "business": {"plans": "FIBRA 300 MEGA por R$ 119,90"}}  # fmt: skip
        assert self.patch("/api/integrations/ai/", ai).status == 200
        sgp_settings = {"enabled": True, "url": sgp.url, "token": sgp.token, "app": sgp.app}
        assert self.patch("/api/integrations/sgp/", sgp_settings).status == 200

    def patch(self, path: str, body: dict, token: str | None = None):
        return self.api.call("PATCH", path, body, token=token or self.admin)

    def customer(self, text: str) -> dict:
        answer = post_webhook(say(text)).json
        assert answer["status"] == "stored", answer
        self.conversation_id = answer["conversation_id"]
        return answer

    def sent(self) -> list[str]:
        return [r.json["text"] for r in self.provider.requests_to("/send/text")]

    def status(self) -> str:
        return conversation(self.pid, self.conversation_id)["status"]

    def activity(self) -> list[str]:
        return [m["content"] for m in self.timeline() if m["message_type"] == "activity"]

    def timeline(self) -> list[dict]:
        query = {"conversation": str(self.conversation_id), "page_size": "100"}
        response = self.api.get("/api/messages/", token=self.admin, query=query)
        assert response.status == 200, response.json
        return response.json["results"]


@pytest.fixture
def world(api, tenant):
    # The model's SDK is imported on the first answer, inside its deadline: import it here, so that the tests of
    # a few seconds' deadline measure the calls, not the first import (which also compiles it in a new venv).
    importlib.import_module("openai")
    with FakeProvider() as provider, FakeModel() as model, FakeSgp() as sgp:
        yield World(api, tenant, provider, model, sgp)


class Logs(logging.Handler):
    """Every record of the functions' loggers, at any level, with its extra fields and traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        fields = {k: v for k, v in vars(record).items() if k not in ("args", "exc_info")}
        trace = logging.Formatter().formatException(record.exc_info) if record.exc_info else ""
        self.lines.append(f"{record.getMessage()} {json.dumps(fields, default=str, ensure_ascii=False)} {trace}")

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def logs():
    service = os.environ["POWERTOOLS_SERVICE_NAME"]
    loggers = [logging.getLogger(service)] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict) if name.startswith(f"{service}.")
    ]
    levels = [lg.level for lg in loggers]
    handler = Logs()
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    loggers[0].addHandler(handler)
    yield handler
    loggers[0].removeHandler(handler)
    for lg, level in zip(loggers, levels, strict=True):
        lg.setLevel(level)


def stored_items() -> str:
    """Every item of the table, as text (a test's own look at what was stored)."""
    from niochat.settings import get_settings

    pages = boto3.client("dynamodb").get_paginator("scan").paginate(TableName=get_settings().table_name)
    return json.dumps([page["Items"] for page in pages], ensure_ascii=False)


def test_the_invoice_dialogue_sends_sgps_pix_code_and_never_shows_a_password_to_the_model(world, logs):
    world.model.reply(world.model.text("Olá! Sou a Nina. Para a segunda via, me informe o CPF do titular."))
    world.customer("quero a segunda via da minha fatura")
    world.tap.deliver()
    assert world.sent() == ["Olá! Sou a Nina. Para a segunda via, me informe o CPF do titular."]
    assert world.sgp.requests == []

    world.model.reply(
        world.model.calls(("consultar_cliente_sgp", {"cpf_cnpj": CPF})),
        world.model.calls(("gerar_fatura_completa", {"cpf_cnpj": CPF, "contrato": None, "tipo_pagamento": "pix"})),
        world.model.text("Pronto, Maria! Enviei sua fatura com o código PIX."),
    )
    world.customer(CPF)
    world.tap.deliver()
    sent = world.sent()
    assert sent[1] == "Pronto, Maria! Enviei sua fatura com o código PIX."
    assert "Fatura 3310245" in sent[2] and "Vencimento: 10/12/2026" in sent[2] and "R$ 119,90" in sent[2]
    assert PIX_CODE in sent[2]
    assert [c["cpfcnpj"] for c in world.sgp.calls("consultacliente")] == [CPF]
    assert all(c["token"] == world.sgp.token and c["app"] == world.sgp.app for c in world.sgp.calls("fatura2via"))

    # Every secret-looking value the fake SGP answered (its fixture's two and two nested deeper), the SGP token
    # and the API key: in no request to the model (raw bodies, all of them), no log, no stored item, no text.
    returned = world.sgp.returned_secrets()
    assert set(SECRETS) <= returned
    forbidden = {*returned, world.sgp.token, API_KEY}
    raw_requests = b"\n".join(r.body for r in world.model.requests).decode()
    assert len(world.model.requests) == 4 and not [v for v in forbidden if v in raw_requests]
    assert not [v for v in forbidden if v in logs.text] and logs.lines  # the logs were captured
    assert not [v for v in forbidden if v in stored_items()]
    assert not [v for v in forbidden if v in json.dumps(world.sent(), ensure_ascii=False)]
    requests = json.dumps(world.model.bodies(), ensure_ascii=False)
    assert "senha" not in requests.lower().replace("nunca peça nem informe senhas", "")
    assert "password" not in requests.lower() and "token" not in requests.lower()
    # the system prompt carries the provedor's facts and, on the last request, what was learnt
    last_system = world.model.bodies()[-1]["messages"][0]["content"]
    assert "FIBRA 300 MEGA" in last_system and "Nina" in last_system
    assert world.status() == "snoozed"
    ours = [m for m in world.timeline() if m["message_type"] == "outgoing"]
    assert all(m["sender"] == {"type": "ai", "username": "ia", "first_name": "Nina"} for m in ours)
    assert "first_reply_at" not in conversation(world.pid, world.conversation_id)  # not a human reply


def test_no_internet_checks_access_opens_a_ticket_and_hands_off_to_support(world, tenant):
    team = world.api.post("/api/teams/", {"name": "Suporte"}, token=world.admin)
    assert team.status == 201, team.json
    world.model.reply(
        world.model.calls(("consultar_cliente_sgp", {"cpf_cnpj": CPF})),
        world.model.calls(("verificar_acesso_sgp", {"contrato": str(CONTRACT)})),
        world.model.calls(
            (
                "criar_chamado_tecnico",
                {"cpf_cnpj": CPF, "motivo": "Sem internet", "sintomas": "Conexão offline desde cedo"},
            )
        ),
        world.model.text("Abri um chamado técnico para você. Nossa equipe vai te atender."),
    )
    world.customer(f"estou sem internet, meu cpf é {CPF}")
    world.tap.deliver()
    reply = world.sent()[0]
    assert PROTOCOL in reply  # the model didn't write it: the assistant adds SGP's protocol
    assert world.sgp.calls("chamado")[0]["contrato"] == str(CONTRACT)
    after = conversation(world.pid, world.conversation_id)
    assert after["status"] == "pending" and after["team"]["name"] == "Suporte"
    activity = [m for m in world.timeline() if m["message_type"] == "activity"]
    assert "Nina" in activity[-1]["content"] and PROTOCOL in activity[-1]["content"]


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("consultar_cliente_sgp", {"cpf_cnpj": "529.982.247-24"}),
        ("gerar_fatura_completa", {"cpf_cnpj": "52998224724", "contrato": None, "tipo_pagamento": "pix"}),
        ("criar_chamado_tecnico", {"cpf_cnpj": "11.222.333/0001-80", "motivo": "Sem internet", "sintomas": "Off"}),
        ("consultar_cliente_sgp", {"cpf_cnpj": "12345678901"}),  # any 11 digits are not a CPF
    ],
)
def test_no_account_tool_sends_an_invalid_cpf_or_cnpj_to_sgp(world, tool, arguments):
    world.model.reply(world.model.calls((tool, arguments)), world.model.text("Pode conferir o número?"))
    world.customer("meu documento é esse aí")
    world.tap.deliver()
    assert world.sgp.requests == []
    assert "CPF/CNPJ inválido" in world.model.bodies()[1]["messages"][-1]["content"]
    assert world.sent() == ["Pode conferir o número?"] and world.status() == "snoozed"


def test_a_cnpj_and_a_cpf_written_any_way_reach_sgp_formatted(world):
    world.model.reply(
        world.model.calls(("consultar_cliente_sgp", {"cpf_cnpj": "11222333000181"}),
                          ("consultar_cliente_sgp", {"cpf_cnpj": " 529 982 247 25 "})),
        world.model.text("Encontrei o cadastro do CPF."),
    )  # fmt: skip
    world.customer("cnpj 11222333000181 ou cpf 529 982 247 25")
    world.tap.deliver()
    assert [c["cpfcnpj"] for c in world.sgp.calls("consultacliente")] == [CNPJ, CPF]
    results = [json.loads(m["content"]) for m in world.model.bodies()[1]["messages"] if m["role"] == "tool"]
    assert [r["found"] for r in results] == [False, True]


def test_an_invalid_cpf_never_reaches_sgp_and_goes_back_to_the_model(world):
    world.model.reply(
        world.model.calls(("consultar_cliente_sgp", {"cpf_cnpj": "123.456.789-00"})),
        world.model.text("Esse CPF não parece válido. Pode conferir?"),
    )
    world.customer("meu cpf é 123.456.789-00")
    world.tap.deliver()
    assert world.sgp.requests == []
    tool_message = world.model.bodies()[1]["messages"][-1]
    assert tool_message["role"] == "tool" and "CPF/CNPJ inválido" in tool_message["content"]
    assert world.sent() == ["Esse CPF não parece válido. Pode conferir?"]


def test_a_model_that_times_out_hands_the_conversation_to_people_within_the_deadline(world, monkeypatch):
    monkeypatch.setenv("AI_MODEL_TIMEOUT_SECONDS", "1")
    monkeypatch.setenv("AI_ANSWER_DEADLINE_SECONDS", "2.5")
    world.model.reply(Reply(delay=4), Reply(delay=4), Reply(delay=4))
    world.customer("oi")
    started = time.monotonic()
    world.tap.deliver()
    assert time.monotonic() - started < 4
    assert world.status() == "pending"
    assert world.sent() == ["Vou transferir você para um de nossos atendentes. Aguarde um momento, por favor."]
    activity = [m for m in world.timeline() if m["message_type"] == "activity"][-1]
    assert "não respondeu a tempo" in activity["content"]
    audit = world.api.get("/api/audit-logs/", token=world.admin).json["results"]
    assert any(e["action"] == "conversation_status_changed" and e["details"].get("reason") for e in audit)


def test_a_model_error_after_retries_hands_off_and_a_429_is_retried(world):
    world.model.reply(Reply(429, {"error": {"message": "rate"}}, headers={"Retry-After": "0"}), world.model.text("Oi!"))
    world.customer("olá")
    world.tap.deliver()
    assert world.sent() == ["Oi!"] and world.status() == "snoozed"
    world.model.reply(*[Reply(500, {"error": {"message": "boom"}}) for _ in range(3)])
    world.customer("alô?")
    world.tap.deliver()
    assert world.status() == "pending"


def test_a_model_answering_nothing_usable_hands_off(world):
    world.model.reply(Reply(200, {"id": "x", "object": "chat.completion", "choices": []}))
    world.customer("oi")
    world.tap.deliver()
    assert world.status() == "pending" and world.sent() == [HANDOFF]


def test_at_most_five_rounds_of_tools_then_people(world):
    calls = [world.model.calls(("verificar_acesso_sgp", {"contrato": str(CONTRACT)})) for _ in range(6)]
    world.model.reply(*calls)
    world.customer("minha internet está lenta")
    world.tap.deliver()
    bodies = world.model.bodies()
    assert len(bodies) == 6 and len(world.sgp.calls("verificaacesso")) == 5  # 5 rounds of tools, not a 6th
    assert [b.get("tool_choice") for b in bodies] == [None] * 5 + ["none"]  # the last turn may call none
    assert world.status() == "pending" and world.sent() == [HANDOFF]  # it called one anyway
    assert "a IA não chegou a uma resposta" in world.activity()[-1]

    world.model.reply(*calls[:5], world.model.text("Sua conexão está online, mas lenta. Vou abrir um chamado?"))
    assert world.api.call("PATCH", f"/api/conversations/{world.conversation_id}/", {"status": "snoozed"},
                          token=world.admin).status == 200  # fmt: skip
    world.customer("e agora?")
    world.tap.deliver()
    assert world.sent()[-1].startswith("Sua conexão está online") and world.status() == "snoozed"


def test_sgp_5xx_is_retried_and_sgp_down_hands_off_without_logging_its_answer(world, monkeypatch, logs):
    monkeypatch.setattr("niochat.sgp.client.CONFIG", sgp_client.CONFIG._replace(retry_base=0.01))
    leaked = {"detail": "erro interno", "cliente": {"servico_senha": "pppoe-in-error-771"}}
    world.sgp.script("POST", "/api/ura/consultacliente/", Reply(500, leaked))
    world.model.reply(world.model.calls(("consultar_cliente_sgp", {"cpf_cnpj": CPF})), world.model.text("Achei!"))
    world.customer(f"cpf {CPF}")
    world.tap.deliver()
    assert len(world.sgp.calls("consultacliente")) == 2 and world.sent() == ["Achei!"]  # one 500, then the answer

    world.sgp.script("POST", "/api/ura/consultacliente/", *[Reply(503, leaked) for _ in range(3)])
    world.model.reply(world.model.calls(("consultar_cliente_sgp", {"cpf_cnpj": CPF})))
    world.customer("de novo, por favor")
    world.tap.deliver()
    assert len(world.sgp.calls("consultacliente")) == 5  # three more attempts, then the hand-off
    assert world.status() == "pending" and world.sent()[-1] == HANDOFF
    assert "o SGP não respondeu" in world.activity()[-1]
    assert "provider call failed" in logs.text and "pppoe-in-error-771" not in logs.text
    assert "erro interno" not in logs.text


def test_sgp_4xx_is_not_retried(world, monkeypatch):
    world.sgp.script("POST", "/api/ura/verificaacesso/", Reply(401, {"detail": "Token inválido"}))
    world.model.reply(world.model.calls(("verificar_acesso_sgp", {"contrato": str(CONTRACT)})))
    world.customer("estou sem internet")
    world.tap.deliver()
    assert len(world.sgp.calls("verificaacesso")) == 1 and world.status() == "pending"


def test_a_slow_sgp_hands_off_within_the_answers_deadline(world, monkeypatch):
    monkeypatch.setenv("AI_ANSWER_DEADLINE_SECONDS", "2")
    world.sgp.script("POST", "/api/ura/consultacliente/", *[Reply(200, {"contratos": []}, delay=6) for _ in range(3)])
    world.model.reply(world.model.calls(("consultar_cliente_sgp", {"cpf_cnpj": CPF})))
    world.customer(f"cpf {CPF}")
    started = time.monotonic()
    world.tap.deliver()
    assert time.monotonic() - started < 4  # SGP's own limit is 15 s a call: the answer's deadline wins
    assert world.status() == "pending" and world.sent() == [HANDOFF]
    assert "o SGP não respondeu" in world.activity()[-1]


def test_consecutive_messages_get_one_answer_and_a_redelivery_none(world):
    world.customer("oi")
    world.customer("tudo bem?")
    world.customer("preciso de ajuda")
    records = world.tap.read()
    assert len(records) == 3
    world.tap.deliver(records)
    world.tap.deliver(records)  # the stream delivers the batch again
    assert len(world.model.bodies()) == 1
    assert [m["content"] for m in world.model.bodies()[0]["messages"][1:]] == ["oi", "tudo bem?", "preciso de ajuda"]
    assert len(world.sent()) == 1


def test_two_quick_messages_in_two_batches_get_one_answer_and_a_later_one_its_own_in_order(world):
    world.customer("oi")
    first = world.tap.read()
    world.customer("queria a segunda via")  # stored before the first batch is answered
    second = world.tap.read()
    world.model.reply(world.model.text("Olá! Me informe o CPF do titular, por favor."))
    assert world.tap.deliver(first) == world.tap.deliver(second) == {"batchItemFailures": []}
    assert len(world.model.bodies()) == 1  # the first batch answered both; the second found them answered
    assert [m["content"] for m in world.model.bodies()[0]["messages"][1:]] == ["oi", "queria a segunda via"]
    assert world.sent() == ["Olá! Me informe o CPF do titular, por favor."]

    world.model.reply(world.model.text("Obrigada! Um instante."))
    world.customer(CPF)
    world.tap.deliver()
    later = [(m["role"], m["content"]) for m in world.model.bodies()[1]["messages"][1:]]
    assert later == [("user", "oi"), ("user", "queria a segunda via"),
                     ("assistant", "Olá! Me informe o CPF do titular, por favor."), ("user", CPF)]  # fmt: skip
    assert world.sent()[-1] == "Obrigada! Um instante." and len(world.sent()) == 2


def test_the_ai_is_silent_once_a_person_takes_the_conversation_and_close_forgets_its_memory(world, tenant):
    world.model.reply(world.model.calls(("consultar_cliente_sgp", {"cpf_cnpj": CPF})), world.model.text("Achei!"))
    world.customer(f"meu cpf {CPF}")
    world.tap.deliver()
    from niochat.store import assistant as state

    assert state.read(world.pid, world.conversation_id)["memory"]["cpf_cnpj"] == CPF
    taken = world.api.post(f"/api/conversations/{world.conversation_id}/assign/", {}, token=world.admin)
    assert taken.status == 200, taken.json
    world.customer("ainda está aí?")
    world.tap.deliver()
    assert len(world.model.bodies()) == 2  # nothing asked after the hand-over
    closed = world.api.post(f"/api/conversations/{world.conversation_id}/close/", {}, token=world.admin)
    assert closed.status == 200, closed.json
    assert state.read(world.pid, world.conversation_id) is None


def test_transferir_hands_off_to_the_named_team_and_the_ai_waits_to_be_given_it_back(world):
    team = world.api.post("/api/teams/", {"name": "Financeiro"}, token=world.admin)
    assert team.status == 201, team.json
    world.model.reply(world.model.calls(("transferir_para_equipe", {"equipe": "financeiro", "motivo": "Negociação"})),
                      world.model.text("Vou te passar para o Financeiro."))  # fmt: skip
    world.customer("quero negociar uma dívida")
    world.tap.deliver()
    after = conversation(world.pid, world.conversation_id)
    assert after["status"] == "pending" and after["team"]["name"] == "Financeiro"
    assert world.sent() == ["Vou te passar para o Financeiro."]
    assert "Nina" in world.activity()[-1] and "Negociação" in world.activity()[-1]
    audit = world.api.get("/api/audit-logs/", token=world.admin).json["results"]
    assert any(e["action"] == "conversation_transferred_to_team" for e in audit)
    world.customer("alô?")
    world.tap.deliver()
    assert len(world.model.bodies()) == 2  # silent while with people
    path = f"/api/conversations/{world.conversation_id}/"
    assert world.api.call("PATCH", path, {"status": "snoozed"}, token=world.admin).status == 200  # given back
    world.model.reply(world.model.text("Voltei! Em que posso ajudar?"))
    world.customer("oi de novo")
    world.tap.deliver()
    assert world.sent()[-1] == "Voltei! Em que posso ajudar?"


def test_an_invoice_without_a_pix_code_gets_one_from_sgp(world):
    invoice = {k: v for k, v in fixture("fatura2via.found")["links"][0].items() if k != "codigopix"}
    world.sgp.script("POST", "/api/ura/fatura2via/", Reply(200, {"status": 1, "links": [invoice]}))
    world.model.reply(
        world.model.calls(("gerar_fatura_completa", {"cpf_cnpj": CPF, "contrato": None, "tipo_pagamento": "pix"})),
        world.model.text("Enviei o PIX."),
    )
    world.customer(f"quero pagar com pix, cpf {CPF}")
    world.tap.deliver()
    assert [r.path for r in world.sgp.requests] == ["/api/ura/fatura2via/", "/api/ura/pagamento/pix/3310245/"]
    assert world.sent()[0] == "Enviei o PIX." and fixture("pagamento-pix")["pix"] in world.sent()[1]


def test_a_reply_whatsapp_refuses_is_kept_failed_and_the_conversation_handed_off(world, monkeypatch):
    monkeypatch.setenv("PROVIDER_MAX_ATTEMPTS", "1")
    world.provider.script("POST", "/send/text", Reply(500, {"error": "down"}))
    world.model.reply(world.model.text("Olá!"))
    world.customer("oi")
    world.tap.deliver()
    assert world.status() == "pending"
    ours = [m for m in world.timeline() if m["message_type"] == "outgoing"]
    assert [(m["content"], m["status"]) for m in ours] == [("Olá!", "failed")]  # stored, retryable
    assert "a resposta da IA não pôde ser enviada" in world.activity()[-1]


def test_encerrar_closes_after_the_final_text_and_csat_follows(world, monkeypatch):
    install_fake_api(monkeypatch)
    reactions = StreamTap()
    assert world.api.call("PATCH", "/api/csat/settings/", {"delay_minutes": 0}, token=world.admin).status == 200
    world.model.reply(world.model.calls(("encerrar_atendimento", {"motivo": "Dúvida resolvida"})),
                      world.model.text("Por nada! Até logo."))  # fmt: skip
    world.customer("era só isso, obrigado")
    world.tap.deliver()
    assert world.sent() == ["Por nada! Até logo."]
    assert world.status() == "closed"
    reactions.drain()
    sweep.sweep()
    reactions.drain()
    requests = world.api.get("/api/csat/requests/", token=world.admin).json["results"]
    assert [r["conversation"] for r in requests] == [world.conversation_id]
    assert len(world.sent()) == 2  # the survey went out after the assistant's goodbye


def test_a_person_taking_the_conversation_while_the_model_thinks_wins(world, monkeypatch):
    from niochat.ai import model as ai_model

    original = ai_model.complete
    path = lambda: f"/api/conversations/{world.conversation_id}/"  # noqa: E731

    def slow_model(*args, **kwargs):  # a person takes the conversation while the model is answering
        if world.status() == "snoozed":
            assert world.api.call("PATCH", path(), {"status": "open"}, token=world.admin).status == 200
        return original(*args, **kwargs)

    monkeypatch.setattr(ai_model, "complete", slow_model)
    world.model.reply(world.model.calls(("transferir_para_equipe", {"equipe": "Vendas", "motivo": "Planos"})),
                      world.model.text("Já te passo para Vendas."))  # fmt: skip
    world.customer("quero contratar")
    assert world.tap.deliver() == {"batchItemFailures": []}
    assert world.status() == "open" and conversation(world.pid, world.conversation_id).get("team_id") is None
    assert world.sent() == []  # the AI's answer and its transfer are dropped: the person answers

    # Given back to the AI; the model fails while a person takes it again: no hand-off over the person's head.
    assert world.api.call("PATCH", path(), {"status": "snoozed"}, token=world.admin).status == 200
    world.model.reply(*[Reply(500, {"error": {"message": "boom"}}) for _ in range(3)])
    world.customer("alô?")
    assert world.tap.deliver() == {"batchItemFailures": []}
    assert world.status() == "open" and world.sent() == []
    assert not [a for a in world.activity() if "pendente" in a]


def test_a_turn_taken_by_an_invocation_that_died_is_handed_off_when_the_record_comes_back(world):
    from niochat.store import assistant as state

    world.customer("oi, preciso de ajuda")
    records = world.tap.read()
    message_id = int(records[0]["dynamodb"]["NewImage"]["id"]["N"])
    assert state.claim(world.pid, world.conversation_id, message_id)  # the invocation timed out after this
    world.tap.deliver(records)
    assert world.model.requests == [] and world.status() == "pending"
    assert world.sent() == [HANDOFF] and "a IA não concluiu a resposta" in world.activity()[-1]


def test_the_ais_replies_are_no_human_reply_in_reports(world, monkeypatch):
    install_fake_api(monkeypatch)
    reactions = StreamTap()
    world.model.reply(world.model.text("Olá! Já é nosso cliente?"), world.model.text("Certo, vou verificar."))
    world.customer("oi")
    world.tap.deliver()
    world.customer("sou sim")
    world.tap.deliver()
    reactions.drain()
    assert len(world.sent()) == 2
    stats = world.api.get("/api/dashboard/stats/", token=world.admin, query={"days": "1"}).json
    assert stats["tempo_primeira_resposta_seconds"] is None and stats["tempo_medio_resposta_seconds"] is None
    assert all(a["messages_sent"] == 0 and a["first_response_seconds"] is None for a in stats["atendentes"])
    hourly = world.api.get("/api/dashboard/response-time-hourly/", token=world.admin, query={"days": "1"}).json
    assert sum(h["count"] for h in hourly) == 0
    # The hand-off to a person, then the person's reply: that one is the first response.
    assert world.api.post(f"/api/conversations/{world.conversation_id}/assign/", {}, token=world.admin).status == 200
    sent = world.api.post("/api/messages/send_text/", {"conversation_id": world.conversation_id, "content": "Oi!"},
                          token=world.admin)  # fmt: skip
    assert sent.status in (200, 201), sent.json
    reactions.drain()
    stats = world.api.get("/api/dashboard/stats/", token=world.admin, query={"days": "1"}).json
    assert stats["tempo_primeira_resposta_seconds"] is not None
    assert sum(a["messages_sent"] for a in stats["atendentes"]) == 1


def test_the_assistant_off_hands_off_at_the_first_message(world):
    assert world.patch("/api/integrations/ai/", {"enabled": False}).status == 200
    world.customer("oi")
    world.tap.deliver()
    assert world.model.requests == [] and world.status() == "pending"


def test_without_its_own_key_the_deployments_key_goes_only_to_the_official_server(world, monkeypatch):
    from niochat.domain import assistant
    from niochat.store import secrets

    default_key = "sk-deployment-default-4242"
    boto3.client("ssm").put_parameter(Name=f"{secrets.prefix()}/{secrets.DEFAULT_AI_KEY}", Value=default_key,
                                      Type="SecureString")  # fmt: skip
    cleared = world.patch("/api/integrations/ai/", {"api_key": ""}).json
    assert cleared["api_key"] is None and cleared["uses_default_key"] is True
    world.customer("oi")  # base_url is the fake's, not the official server: the deployment's key is not sent
    world.tap.deliver()
    assert world.model.requests == [] and world.status() == "pending" and world.sent() == [HANDOFF]
    assert "chave de API própria" in world.activity()[-1]
    trial = world.api.post("/api/atendimento/ia/", {"message": "oi"}, token=world.agent)
    assert trial.status == 409 and trial.json["error"] == "Conflict"

    monkeypatch.setattr(assistant, "DEFAULT_BASE_URL", world.model.base_url)  # the fake stands for the official one
    world.model.reply(world.model.text("Olá!"))
    answer = world.api.post("/api/atendimento/ia/", {"message": "oi"}, token=world.agent)
    assert answer.status == 200 and answer.json["response"] == "Olá!"
    assert world.model.requests[-1].headers["authorization"] == f"Bearer {default_key}"


# -- settings --------------------------------------------------------------------------------------------------
def test_settings_mask_secrets_keep_them_in_ssm_and_refuse_agents(world):
    shown = world.api.get("/api/integrations/ai/", token=world.admin).json
    assert shown["api_key"] == f"{API_KEY[:4]}…{API_KEY[-4:]}" and API_KEY not in json.dumps(shown)
    assert shown["business"]["plans"] == "FIBRA 300 MEGA por R$ 119,90" and shown["uses_default_key"] is False
    same = world.patch("/api/integrations/ai/", {"api_key": shown["api_key"], "temperature": 0.5}).json
    assert same["api_key"] == shown["api_key"] and same["temperature"] == 0.5
    parameters = boto3.client("ssm").get_parameters_by_path(Path="/", Recursive=True, WithDecryption=True)
    stored = {p["Name"]: p for p in parameters["Parameters"]}
    ai_key = next(p for name, p in stored.items() if name.endswith(f"/provedores/{world.pid}/ai-api-key"))
    assert ai_key["Value"] == API_KEY and ai_key["Type"] == "SecureString" and ai_key["Version"] == 1
    sgp = world.api.get("/api/integrations/sgp/", token=world.admin).json
    assert sgp["token"] != world.sgp.token and world.sgp.token not in json.dumps(sgp)
    for method in ("GET", "PATCH"):
        refused = world.api.call(method, "/api/integrations/ai/", {} if method == "PATCH" else None, token=world.agent)
        assert refused.status == 403 and refused.json["error"] == "PermissionError"


def test_settings_refuse_internal_addresses_and_a_new_host_without_its_secret(world):
    bad = world.patch("/api/integrations/ai/", {"base_url": "http://169.254.169.254/v1"})
    assert bad.status == 400 and bad.json["details"]["field"] == "base_url"
    moved = world.patch("/api/integrations/sgp/", {"url": "http://127.0.0.2:8000"})
    assert moved.status == 400 and moved.json["details"]["field"] == "token"
    sgp_mask = world.api.get("/api/integrations/sgp/", token=world.admin).json["token"]
    masked = world.patch("/api/integrations/sgp/", {"url": "http://127.0.0.2:8000", "token": sgp_mask})
    assert masked.status == 400 and masked.json["details"]["field"] == "token"  # the mask keeps the old token
    ai_mask = world.api.get("/api/integrations/ai/", token=world.admin).json["api_key"]
    for sent in ({}, {"api_key": ai_mask}):
        moved_ai = world.patch("/api/integrations/ai/", {"base_url": "http://127.0.0.2:8000/v1", **sent})
        assert moved_ai.status == 400 and moved_ai.json["details"]["field"] == "api_key"
    assert world.api.get("/api/integrations/ai/", token=world.admin).json["base_url"] == world.model.base_url
    both = world.patch("/api/integrations/sgp/", {"url": "http://127.0.0.2:8000", "token": "sgp-token-novo-1"})
    assert both.status == 200 and both.json["url"] == "http://127.0.0.2:8000" and both.json["token"] != sgp_mask
    same = world.patch("/api/integrations/ai/", {"base_url": world.model.base_url + "/", "api_key": ai_mask})
    assert same.status == 200 and same.json["api_key"] == ai_mask  # the same server (normalized): key kept
    empty = world.patch("/api/integrations/ai/", {"api_key": "", "temperature": 3})
    assert empty.status == 400 and empty.json["details"]["field"] == "temperature"
    cleared = world.patch("/api/integrations/ai/", {"api_key": ""}).json
    assert cleared["api_key"] is None and cleared["uses_default_key"] is True


# -- the trial endpoint and tenants ------------------------------------------------------------------------------
def test_the_trial_endpoint_answers_the_seeds_shape_and_sends_nothing(world):
    world.model.reply(
        world.model.calls(("consultar_cliente_sgp", {"cpf_cnpj": CPF})),
        world.model.text("Encontrei seu cadastro, Maria."),
    )
    answer = world.api.post("/api/atendimento/ia/", {"message": f"meu cpf é {CPF}"}, token=world.agent)
    assert answer.status == 200, answer.json
    assert answer.json == {
        "response": "Encontrei seu cadastro, Maria.",
        "function_calls": [{"name": "consultar_cliente_sgp", "arguments": {"cpf_cnpj": CPF},
                            "result_summary": "1 contrato(s) encontrado(s)"}],
        "needs_input": True,
    }  # fmt: skip
    assert world.provider.requests == []
    bad = world.api.post("/api/atendimento/ia/", {"message": ""}, token=world.agent)
    assert bad.status == 400 and bad.json["details"]["field"] == "message"
    for body in ({"message": "oi", "conversation_id": "1"}, {"message": 5}, {"message": "  "}, []):
        refused = world.api.post("/api/atendimento/ia/", body, token=world.agent)
        assert refused.status == 400 and set(refused.json) == {"error", "message", "details"}, refused.json


def test_the_trial_says_502_when_the_model_times_out_within_its_deadline(world, monkeypatch):
    monkeypatch.setenv("AI_MODEL_TIMEOUT_SECONDS", "1")
    monkeypatch.setenv("AI_ANSWER_DEADLINE_SECONDS", "2")
    world.model.reply(*[Reply(delay=4) for _ in range(3)])
    started = time.monotonic()
    answer = world.api.post("/api/atendimento/ia/", {"message": "oi"}, token=world.agent)
    assert time.monotonic() - started < 3.5
    assert answer.status == 502 and answer.json["error"] == "BadGateway"
    assert answer.json["details"] == {"reason": "o modelo de IA não respondeu a tempo"}


def test_the_trial_on_a_conversation_reads_its_history_and_changes_nothing(world):
    world.model.reply(world.model.text("Olá! Já é nosso cliente?"))
    world.customer("oi")
    world.tap.deliver()
    sent = world.sent()
    world.model.reply(
        world.model.calls(("gerar_fatura_completa", {"cpf_cnpj": CPF, "contrato": None, "tipo_pagamento": "boleto"})),
        world.model.calls(("criar_chamado_tecnico", {"cpf_cnpj": CPF, "motivo": "Teste", "sintomas": "Teste"})),
        world.model.calls(("encerrar_atendimento", {"motivo": "Teste"})),
        world.model.text("Segue o boleto. Até logo!"),
    )
    body = {"conversation_id": world.conversation_id, "message": f"sou, cpf {CPF}"}
    answer = world.api.post("/api/atendimento/ia/", body, token=world.admin)
    assert answer.status == 200, answer.json
    request = world.model.bodies()[-4]["messages"]
    assert [(m["role"], m["content"]) for m in request[1:]] == [
        ("user", "oi"), ("assistant", "Olá! Já é nosso cliente?"), ("user", f"sou, cpf {CPF}")]  # fmt: skip
    assert answer.json["response"].startswith("Segue o boleto. Até logo!\n\nFatura 3310245")
    assert "34191.79001 01043.510047 91020.150008 1 92870000011990" in answer.json["response"]
    assert [c["name"] for c in answer.json["function_calls"]] == [
        "gerar_fatura_completa", "criar_chamado_tecnico", "encerrar_atendimento"]  # fmt: skip
    assert answer.json["needs_input"] is False  # it would close: no customer input awaited
    assert world.sent() == sent and world.sgp.calls("chamado") == [] and world.status() == "snoozed"


def test_a_tenant_never_reaches_anothers_conversation_or_key(world, api):
    other = make_provedor("Provedor B")
    from niochat.directory.users import create_user
    from niochat.domain.users import UserType

    create_user(username="admin_b", password="senha-forte-9", user_type=UserType.ADMIN, provedor_id=other)
    create_user(username="agent_b", password="senha-forte-8", user_type=UserType.AGENT, provedor_id=other)
    admin_b, agent_b = login(api, "admin_b", "senha-forte-9"), login(api, "agent_b", "senha-forte-8")
    with FakeModel() as model_b, FakeSgp(token="sgp-token-b-77") as sgp_b:
        ai_b = {"enabled": True, "base_url": model_b.base_url, "api_key": "sk-provedor-b-9876543210"}
        assert api.call("PATCH", "/api/integrations/ai/", ai_b, token=admin_b).status == 200
        sgp_settings = {"enabled": True, "url": sgp_b.url, "token": sgp_b.token, "app": sgp_b.app}
        assert api.call("PATCH", "/api/integrations/sgp/", sgp_settings, token=admin_b).status == 200
        make_inbox(other, token="tk-provedor-b-0001", instance="inst-b", ai_enabled=True)
        world.model.reply(world.model.calls(("consultar_cliente_sgp", {"cpf_cnpj": CPF})), world.model.text("Ok"))
        world.customer(f"oi, cpf {CPF}")  # A's conversation: A's model, key and SGP
        world.tap.deliver()
        assert {r.headers["authorization"] for r in world.model.requests} == {f"Bearer {API_KEY}"}
        assert [c["token"] for c in world.sgp.calls("consultacliente")] == [world.sgp.token]
        assert model_b.requests == [] and sgp_b.requests == []
        for token in (admin_b, agent_b):  # B's people trying A's conversation: as if it did not exist
            for conversation_id in (world.conversation_id, 99_999):
                probe = {"conversation_id": conversation_id, "message": "oi", "provedor": world.pid}
                answer = api.post("/api/atendimento/ia/", probe, token=token)
                assert answer.status == 404 and answer.json["message"] == "Conversa não encontrada"
        assert model_b.requests == [] and len(world.model.requests) == 2  # no model asked by those probes
        seen = api.get("/api/integrations/ai/", token=admin_b, query={"provedor": str(world.pid)}).json
        assert seen["base_url"] == model_b.base_url  # ?provedor= of A is ignored for B's admin
        # B's own trial uses B's model, key and SGP, never A's.
        model_b.reply(model_b.calls(("consultar_cliente_sgp", {"cpf_cnpj": CPF})), model_b.text("Achei."))
        assert api.post("/api/atendimento/ia/", {"message": f"cpf {CPF}"}, token=agent_b).status == 200
        assert {r.headers["authorization"] for r in model_b.requests} == {"Bearer sk-provedor-b-9876543210"}
        assert [c["token"] for c in sgp_b.calls("consultacliente")] == ["sgp-token-b-77"]
        assert len(world.model.requests) == 2 and len(world.sgp.calls("consultacliente")) == 1


def test_an_unexpected_error_hands_off_and_fails_only_that_record(world, monkeypatch):
    from niochat.messages import outbound

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    world.customer("oi")
    records = world.tap.read()
    monkeypatch.setattr(outbound, "send_as_assistant", broken)
    answer = world.tap.deliver(records)
    assert answer == {"batchItemFailures": [{"itemIdentifier": records[0]["dynamodb"]["SequenceNumber"]}]}
    assert world.status() == "pending"
    monkeypatch.undo()
    assert world.tap.deliver(records) == {"batchItemFailures": []}  # retried: nobody's turn, nothing sent twice
    assert world.sent() == []
