"""The assistant's pure parts: CPF/CNPJ check digits, SGP's answers reduced and scrubbed, the tools' argument
validation and the invoice the customer receives, and the system prompt."""

from __future__ import annotations

import json

import pytest

from niochat.assistant.tools import Toolbox, invoice_message
from niochat.domain import assistant, documents
from niochat.sgp import reduce
from tests.support.fake_sgp import PIX_CODE, SECRETS, fixture


@pytest.mark.parametrize(
    ("raw", "kind", "formatted"),
    [
        ("529.982.247-25", "cpf", "529.982.247-25"),
        ("52998224725", "cpf", "529.982.247-25"),
        (" 529 982 247 25 ", "cpf", "529.982.247-25"),
        ("11.222.333/0001-81", "cnpj", "11.222.333/0001-81"),
        ("11222333000181", "cnpj", "11.222.333/0001-81"),
    ],
)
def test_valid_documents_are_read_in_any_writing(raw, kind, formatted):
    parsed = documents.parse(raw)
    assert parsed is not None and parsed.kind == kind and parsed.formatted == formatted


@pytest.mark.parametrize(
    "raw",
    ["123.456.789-00", "529.982.247-24", "111.111.111-11", "00000000000", "1234567890", "11.222.333/0001-80",
     "5299822472a", "５２９９８２２４７２５", "", "529.982.247-250"],
)  # fmt: skip
def test_invalid_documents_are_refused(raw):
    assert documents.parse(raw) is None


def test_sgp_answers_lose_every_secret_looking_field_at_any_depth():
    answer = fixture("consultacliente.found")
    answer["contratos"][0]["extra"] = {"api_token": "t-1", "Password": "p-1", "ok": 1, "list": [{"senhaWifi": "w"}]}
    scrubbed = reduce.scrub(answer)
    text = json.dumps(scrubbed)
    assert not any(secret in text for secret in (*SECRETS, "t-1", "p-1", '"w"'))
    assert scrubbed["contratos"][0]["extra"] == {"ok": 1, "list": [{}]}
    customer = reduce.customer(scrubbed)
    assert customer == {"found": True, "nome": "MARIA APARECIDA DOS SANTOS", "contratos": [
        {"contrato": 91377, "status": "Ativo", "plano": "FIBRA 300 MEGA", "valor_aberto": "119.90",
         "titulos_abertos": 2, "cidade": "Marabá", "bairro": "Centro"}]}  # fmt: skip


def test_sgp_variants_are_normal():
    assert reduce.customer(fixture("consultacliente.not-found")) == {"found": False, "nome": "", "contratos": []}
    assert reduce.customer({"contratos": [{"contratoId": "17"}]})["contratos"][0]["contrato"] == 17
    assert [reduce.access(fixture(f"verificaacesso.{n}"))["situacao"] for n in ("online", "offline", "suspenso")] == [
        "online", "offline", "suspenso por pendência financeira"]  # fmt: skip
    assert reduce.access({})["situacao"] == "desconhecido"
    assert reduce.invoices(fixture("fatura2via.none")) == []
    assert reduce.invoices({"links": [{"fatura": "12", "valor": 10}]})[0]["fatura"] == 12
    assert reduce.ticket({"status": 0, "msg": "erro"})["criado"] is False


def test_the_invoice_message_is_built_from_sgps_data_only():
    invoice = reduce.invoices(fixture("fatura2via.found"))[0]
    pix = invoice_message(invoice, "pix", invoice["codigo_pix"])
    assert pix.splitlines()[:3] == ["Fatura 3310245", "Vencimento: 10/12/2026", "Valor: R$ 119,90"]
    assert PIX_CODE in pix and "boleto" not in pix.lower()
    boleto = invoice_message(invoice, "boleto", "")
    assert "34191.79001 01043.510047 91020.150008 1 92870000011990" in boleto and PIX_CODE not in boleto
    assert invoice_message({**invoice, "valor": "1234.5"}, "pix", "X").splitlines()[2] == "Valor: R$ 1.234,50"


def test_bad_tool_arguments_come_back_as_errors_and_nothing_is_called():
    box = Toolbox(sgp=None, memory={})
    assert "indisponível" in box.run("consultar_cliente_sgp", '{"cpf_cnpj": "529.982.247-25"}')["erro"]
    assert "indisponível" in box.run("apagar_tudo", "{}")["erro"]
    assert "Argumentos inválidos" in box.run("encerrar_atendimento", "not json")["erro"]
    assert "Argumentos inválidos" in box.run("encerrar_atendimento", '{"motivo": "x", "extra": 1}')["erro"]
    assert "Argumentos inválidos" in box.run("transferir_para_equipe", '{"equipe": ""}')["erro"]
    assert box.effects == [] and len(box.calls) == 5


def test_account_tools_are_offered_only_with_sgp():
    names = [s["function"]["name"] for s in Toolbox(sgp=None, memory={}).schemas()]
    assert names == ["encerrar_atendimento", "transferir_para_equipe"]
    for schema in Toolbox(sgp=object(), memory={}).schemas():  # type: ignore[arg-type]
        parameters = schema["function"]["parameters"]
        assert schema["function"]["strict"] is True and parameters["additionalProperties"] is False
        assert sorted(parameters["required"]) == sorted(parameters["properties"])


def test_the_system_prompt_carries_identity_facts_rules_and_memory():
    settings = assistant.AiSettings.of({"assistant_name": "Nina", "persona": "Simpática", "business":
                                        {"plans": "300 MEGA", "fees": "", "unknown": "x"}})  # fmt: skip
    prompt = assistant.system_prompt("Fibra Norte", settings, {"cpf_cnpj": "529.982.247-25"}, sgp_on=True)
    assert "Você é Nina, assistente virtual do provedor de internet Fibra Norte." in prompt
    assert "- Planos: 300 MEGA" in prompt and "Taxas" not in prompt and "unknown" not in prompt
    assert "CPF ou CNPJ" in prompt and "Nunca invente dados" in prompt and "529.982.247-25" in prompt
    assert "SGP) não está disponível" in assistant.system_prompt("X", settings, {}, sgp_on=False)


@pytest.mark.parametrize(
    "name",
    ["servico_senha", "contratoCentralSenha", "Password", "passwd", "pwd_onu", "apiKey", "api_key", "PIN", "wifi_pin",
     "wifiPin", "pinCode", "tokenAcesso", "chave_pix", "credencial", "client_secret"],
)  # fmt: skip
def test_secret_names_are_scrubbed(name):
    assert reduce.scrub({"contratos": [{"a": {name: "x-1"}, "ok": 1}]}) == {"contratos": [{"a": {}, "ok": 1}]}


def test_the_fields_the_tools_read_survive_the_scrub():
    for name in ("consultacliente.found", "fatura2via.found", "verificaacesso.suspenso", "chamado.created",
                 "pagamento-pix"):  # fmt: skip
        answer = fixture(name)
        scrubbed = reduce.scrub(answer)
        for contract in scrubbed.get("contratos", []):
            assert set(contract) == set(answer["contratos"][0]) - {"servico_senha", "contratoCentralSenha"}
        if "contratos" not in answer:
            assert scrubbed == answer
    for name in ("ping_ms", "spinner", "opinion", "servico_login", "codigopix", "linhadigitavel"):
        assert reduce.scrub({name: 1}) == {name: 1}


def test_odd_sgp_shapes_reduce_to_nothing_instead_of_failing():
    assert reduce.customer({"contratos": {"contratoId": 1}})["found"] is False
    assert reduce.customer({"contratos": 5}) == {"found": False, "nome": "", "contratos": []}
    assert reduce.invoices({"links": "https://x"}) == [] and reduce.invoices({"links": [1, "a", None]}) == []
    assert reduce.pix({"pix": {"codigo": "abc"}}) == ""
    assert reduce.customer({"contratos": [{"contratoId": 3, "servico_plano": {"nome": "x"}}]})["contratos"][0][
        "plano"] == ""  # fmt: skip


def test_an_sgp_call_never_outlasts_the_answer():
    import time

    from niochat.sgp.client import SgpClient, SgpUnavailable

    late = SgpClient("https://sgp.example", "token-123456", "app", until=time.monotonic() + 0.2)
    with pytest.raises(SgpUnavailable, match="out of time"):
        late.customer("529.982.247-25")
    soon = SgpClient("https://sgp.example", "token-123456", "app", until=time.monotonic() + 4)
    assert 3 < soon._config("consultacliente").deadline <= 4
    assert SgpClient("https://sgp.example", "t", "a")._config("x").deadline == 15.0
