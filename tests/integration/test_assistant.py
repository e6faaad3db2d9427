"""The AI assistant on moto, through the real functions: customers' WhatsApp messages (the webhooks function)
reach the ai function from the stream, which asks a fake OpenAI-compatible model (real HTTP on loopback),
calls a fake SGP for the tools, and answers through the fake WhatsApp provider. Its settings and the agents'
trial endpoint are called over the REST handlers."""

from __future__ import annotations

import itertools
import json
import time

import boto3
import pytest

from infra import stream_filter
from infra.lambda_runtime import LambdaContext, StreamReader, load_function
from tests.integration.conftest import login, post_webhook
from tests.integration.webhook_world import conversation, make_inbox, make_provedor, uazapi
from tests.support.fake_model import FakeModel
from tests.support.fake_provider import FakeProvider, Reply
from tests.support.fake_sgp import CONTRACT, CPF, PIX_CODE, PROTOCOL, SECRETS, FakeSgp

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

    def timeline(self) -> list[dict]:
        query = {"conversation": str(self.conversation_id), "page_size": "100"}
        response = self.api.get("/api/messages/", token=self.admin, query=query)
        assert response.status == 200, response.json
        return response.json["results"]


@pytest.fixture
def world(api, tenant):
    with FakeProvider() as provider, FakeModel() as model, FakeSgp() as sgp:
        yield World(api, tenant, provider, model, sgp)


def test_the_invoice_dialogue_sends_sgps_pix_code_and_never_shows_a_password_to_the_model(world):
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

    requests = json.dumps(world.model.bodies(), ensure_ascii=False)
    assert not any(secret in requests for secret in SECRETS)
    assert "senha" not in requests.lower().replace("nunca peça nem informe senhas", "")
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


def test_encerrar_closes_after_the_final_text(world):
    world.model.reply(world.model.calls(("encerrar_atendimento", {"motivo": "Dúvida resolvida"})),
                      world.model.text("Por nada! Até logo."))  # fmt: skip
    world.customer("era só isso, obrigado")
    world.tap.deliver()
    assert world.sent() == ["Por nada! Até logo."]
    assert world.status() == "closed"


def test_the_assistant_off_hands_off_at_the_first_message(world):
    assert world.patch("/api/integrations/ai/", {"enabled": False}).status == 200
    world.customer("oi")
    world.tap.deliver()
    assert world.model.requests == [] and world.status() == "pending"


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


def test_settings_refuse_internal_addresses_and_a_new_sgp_host_without_its_token(world):
    bad = world.patch("/api/integrations/ai/", {"base_url": "http://169.254.169.254/v1"})
    assert bad.status == 400 and bad.json["details"]["field"] == "base_url"
    moved = world.patch("/api/integrations/sgp/", {"url": "http://127.0.0.2:8000"})
    assert moved.status == 400 and moved.json["details"]["field"] == "token"
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


def test_a_tenant_never_reaches_anothers_conversation_or_key(world, api):
    other = make_provedor("Provedor B")
    from niochat.directory.users import create_user
    from niochat.domain.users import UserType

    create_user(username="admin_b", password="senha-forte-9", user_type=UserType.ADMIN, provedor_id=other)
    admin_b = login(api, "admin_b", "senha-forte-9")
    with FakeModel() as model_b:
        ai_b = {"enabled": True, "base_url": model_b.base_url, "api_key": "sk-provedor-b-9876543210"}
        assert api.call("PATCH", "/api/integrations/ai/", ai_b, token=admin_b).status == 200
        make_inbox(other, token="tk-provedor-b-0001", instance="inst-b", ai_enabled=True)
        world.customer("oi")  # A's conversation
        world.tap.deliver()
        probe = api.post("/api/atendimento/ia/", {"conversation_id": world.conversation_id, "message": "oi"},
                         token=admin_b)  # fmt: skip
        assert probe.status == 404
        assert world.model.requests[0].headers["authorization"] == f"Bearer {API_KEY}"
        assert model_b.requests == []
        seen = api.get("/api/integrations/ai/", token=admin_b, query={"provedor": str(world.pid)}).json
        assert seen["base_url"] == model_b.base_url  # ?provedor= of A is ignored for B's admin


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
