"""The AI assistant on the local stack (a real process: its stream pump feeds the ai function) with a fake
WhatsApp provider, a fake SGP and a fake OpenAI-compatible model on loopback. The scripted dialogue of the
issue on one conversation: the invoice (the assistant asks for the CPF, looks the customer up, sends SGP's PIX
code), then the outage (access checked, a ticket opened, its protocol in the reply, the conversation pending
for Suporte), with no secret SGP returned reaching the model or the stack's logs; an invalid CPF that never
reaches SGP; a model that times out hands the conversation to people within the deadline."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import LocalStackProcess, login, wait_until
from tests.support.deliveries import uazapi_text_from
from tests.support.fake_model import FakeModel
from tests.support.fake_provider import FakeProvider, Reply
from tests.support.fake_sgp import CONTRACT, CPF, PIX_CODE, PROTOCOL, SECRETS, FakeSgp

pytestmark = pytest.mark.e2e

API_KEY = "sk-e2e-0123456789"
HANDOFF = "Vou transferir você para um de nossos atendentes. Aguarde um momento, por favor."


@pytest.fixture(scope="module")
def ai_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackProcess]:
    env = {"AI_MODEL_TIMEOUT_SECONDS": "1", "AI_ANSWER_DEADLINE_SECONDS": "3", "PROVIDER_MAX_ATTEMPTS": "1",
           "POWERTOOLS_LOG_LEVEL": "DEBUG"}  # fmt: skip
    stack = LocalStackProcess(tmp_path_factory.mktemp("ai")).start(extra_env=env)
    yield stack
    stack.stop()


class Desk:
    def __init__(self, stack: LocalStackProcess, fake: FakeProvider, model: FakeModel, sgp: FakeSgp) -> None:
        self.client, self.fake = stack.http(), fake
        self.headers = {"Authorization": f"Token {login(self.client, 'demo-admin', 'niochat-demo')}"}
        provedor = self.call("GET", "/api/auth/me/")["provedor_id"]
        settings = {"provider": "uazapi", "base_url": fake.url, "instance": "eKoB39", "token": "e2e-ai-0123456789",
                    "ai_enabled": True}  # fmt: skip
        inbox = self.call("POST", "/api/inboxes/", {"name": "WhatsApp IA", "channel_type": "whatsapp",
                                                    "provedor": provedor, "settings": settings}, 201)  # fmt: skip
        self.webhook = inbox["webhook_url"][inbox["webhook_url"].index("/webhook/") :]
        self.call(
            "PATCH",
            "/api/integrations/ai/",
            {"enabled": True, "base_url": model.base_url, "api_key": API_KEY, "assistant_name": "Nina"},
        )
        self.call("PATCH", "/api/integrations/sgp/", {"enabled": True, "url": sgp.url, "token": sgp.token,
                                                      "app": sgp.app})  # fmt: skip
        teams = self.call("GET", "/api/teams/")["results"]
        if not any(t["name"] == "Suporte" for t in teams):
            self.call("POST", "/api/teams/", {"name": "Suporte"}, 201)
        self.sent = 0

    def call(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        response = self.client.request(method, path, json=body, headers=self.headers)
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response.json()

    def say(self, text: str, number: str) -> dict[str, Any]:
        self.sent += 1
        answer = self.client.post(self.webhook, json=uazapi_text_from(number, text, f"ACE2EAI{self.sent:025d}"))
        assert answer.status_code == 200 and answer.json()["status"] == "stored", answer.text
        return answer.json()

    def texts(self) -> list[str]:
        return [r.json["text"] for r in self.fake.requests_to("/send/text")]

    def wait_texts(self, count: int, timeout: float = 20) -> list[str]:
        return wait_until(lambda: len(self.texts()) >= count and self.texts(), timeout, f"{count} sent texts")

    def conversation(self, conversation_id: int) -> dict[str, Any]:
        return self.call("GET", f"/api/conversations/{conversation_id}/")


@pytest.fixture(scope="module")
def desk(ai_stack: LocalStackProcess) -> Iterator[Desk]:
    with FakeProvider() as fake, FakeModel() as model, FakeSgp() as sgp:
        desk = Desk(ai_stack, fake, model, sgp)
        desk.model, desk.sgp = model, sgp  # type: ignore[attr-defined]
        yield desk


def test_the_scripted_dialogue_end_to_end(desk, ai_stack):
    """One customer's WhatsApp conversation: the invoice, then the outage, on the same conversation."""
    model, sgp, number = desk.model, desk.sgp, "5594991110001"
    model.reply(model.text("Olá! Sou a Nina 😊 Para a segunda via, me informe o CPF do titular, por favor."))
    first = desk.say("quero a segunda via da minha fatura", number)
    assert desk.wait_texts(1)[-1].startswith("Olá! Sou a Nina")
    assert sgp.requests == []  # no CPF yet: nothing asked of SGP

    model.reply(
        model.calls(("consultar_cliente_sgp", {"cpf_cnpj": CPF})),
        model.calls(("gerar_fatura_completa", {"cpf_cnpj": CPF, "contrato": None, "tipo_pagamento": "pix"})),
        model.text("Pronto, Maria! Enviei sua fatura logo abaixo."),
    )
    assert desk.say(CPF, number)["conversation_id"] == first["conversation_id"]
    texts = desk.wait_texts(3)
    assert texts[1] == "Pronto, Maria! Enviei sua fatura logo abaixo."
    assert texts[2].startswith("Fatura 3310245") and PIX_CODE in texts[2]  # the fake SGP's own PIX code
    assert [c["cpfcnpj"] for c in sgp.calls("consultacliente")] == [CPF] and len(sgp.calls("fatura2via")) == 1
    assert desk.conversation(first["conversation_id"])["status"] == "snoozed"

    model.reply(
        model.calls(("verificar_acesso_sgp", {"contrato": str(CONTRACT)})),
        model.calls(("criar_chamado_tecnico", {"cpf_cnpj": CPF, "motivo": "Sem internet", "sintomas": "Offline"})),
        model.text("Sua conexão está offline. Abri um chamado e nossa equipe técnica vai te atender."),
    )
    desk.say("estou sem internet", number)
    reply = desk.wait_texts(4)[3]
    assert reply.startswith("Sua conexão está offline") and PROTOCOL in reply  # SGP's protocol, added
    outage_request = model.bodies()[-3]
    assert outage_request["messages"][-1] == {"role": "user", "content": "estou sem internet"}
    assert CPF in outage_request["messages"][0]["content"]  # the memory of this conversation: its CPF, contract
    assert str(CONTRACT) in outage_request["messages"][0]["content"]
    assert sgp.calls("verificaacesso")[-1]["contrato"] == str(CONTRACT)
    assert sgp.calls("chamado")[-1]["contrato"] == str(CONTRACT)
    conversation = wait_until(
        lambda: (c := desk.conversation(first["conversation_id"]))["status"] == "pending" and c, 10, "the hand-off"
    )
    assert conversation["team"]["name"] == "Suporte"  # pending for the support team
    query = {"conversation": first["conversation_id"], "page_size": 100}
    timeline = desk.client.get("/api/messages/", params=query, headers=desk.headers).json()["results"]
    ours = [m for m in timeline if m["message_type"] == "outgoing"]
    assert len(ours) == 4 and all(m["sender"]["type"] == "ai" for m in ours)
    assert any(PROTOCOL in m["content"] and "Nina" in m["content"] for m in timeline if m["message_type"] == "activity")

    # Every value the fake SGP answered under a secret-looking name (nested ones too), its token and the API
    # key: in no request to the fake model, no line the stack logged, no text sent to the customer.
    returned = sgp.returned_secrets()
    assert set(SECRETS) <= returned
    forbidden = {*returned, sgp.token, API_KEY}
    to_model = "\n".join(r.body.decode() for r in model.requests)
    assert len(model.requests) == 7 and not [v for v in forbidden if v in to_model]
    logged = "\n".join(ai_stack.output)
    assert '"message":"assistant"' in logged and not [v for v in forbidden if v in logged]  # ai's lines too
    assert not [v for v in forbidden if v in "\n".join(desk.texts())]


def test_an_invalid_cpf_never_reaches_sgp(desk):
    model, sgp = desk.model, desk.sgp
    before, asked = len(desk.texts()), len(sgp.requests)
    model.reply(model.calls(("consultar_cliente_sgp", {"cpf_cnpj": "123.456.789-00"})),
                model.text("Esse CPF não confere. Pode verificar?"))  # fmt: skip
    desk.say("meu cpf é 123.456.789-00", "5594991110002")
    assert desk.wait_texts(before + 1)[before] == "Esse CPF não confere. Pode verificar?"
    assert len(sgp.requests) == asked
    assert "CPF/CNPJ inválido" in model.bodies()[-1]["messages"][-1]["content"]


def test_a_model_that_times_out_hands_off_within_the_deadline(desk):
    model = desk.model
    before = len(desk.texts())
    model.reply(Reply(delay=5), Reply(delay=5), Reply(delay=5))
    started = time.monotonic()
    answer = desk.say("oi, alguém aí?", "5594991110003")
    assert desk.wait_texts(before + 1, timeout=15)[before] == HANDOFF
    # The customer is told first (the AI may write only while the conversation is still its own), then it
    # becomes pending.
    pending = lambda: desk.conversation(answer["conversation_id"])["status"] == "pending"  # noqa: E731
    wait_until(pending, 5, "the conversation pending")
    assert time.monotonic() - started < 3 + 5  # the deadline, plus the stream's and the send's own time
