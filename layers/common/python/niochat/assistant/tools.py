"""The assistant's tools: their strict JSON schemas (what the model sees), the validation of the arguments it
writes (pydantic: a bad argument goes back to the model as the tool's error, never raises), and what each one
does. SGP answers arrive scrubbed (niochat.sgp.reduce); invoices reach the customer as a message built here
from SGP's data only, never as text the model wrote."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from niochat.domain import documents
from niochat.sgp.client import SgpClient

ACCOUNT_TOOLS = ("consultar_cliente_sgp", "verificar_acesso_sgp", "gerar_fatura_completa", "criar_chamado_tecnico")
INVALID_DOCUMENT = "CPF/CNPJ inválido: confira os números com a pessoa (os dígitos verificadores não conferem)"


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


def _document(value: str) -> str:
    parsed = documents.parse(value)
    if parsed is None:
        raise ValueError(INVALID_DOCUMENT)
    return parsed.formatted


def _contract(value: str | int | None) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if not text.isdigit() or len(text) > 12:
        raise ValueError("Contrato inválido: informe só os números do contrato")
    return int(text)


def _required_contract(value: str | int) -> int:
    contract = _contract(value)
    if contract is None:
        raise ValueError("Informe o número do contrato")
    return contract


Text = Annotated[str, Field(min_length=1, max_length=500)]
Document = Annotated[str, AfterValidator(_document)]
Contract = Annotated[str | int, AfterValidator(_required_contract)]
MaybeContract = Annotated[str | int | None, AfterValidator(_contract)]


class CustomerArgs(_Args):
    cpf_cnpj: Document


class AccessArgs(_Args):
    contrato: Contract


class InvoiceArgs(_Args):
    cpf_cnpj: Document
    contrato: MaybeContract = None
    tipo_pagamento: Literal["pix", "boleto"] = "pix"


class TicketArgs(_Args):
    cpf_cnpj: Document
    motivo: Text
    sintomas: Text


class CloseArgs(_Args):
    motivo: Text


class TransferArgs(_Args):
    equipe: Text
    motivo: Text


def _function(name: str, description: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "strict": True,
            "parameters": {"type": "object", "properties": properties, "required": required,
                           "additionalProperties": False},
        },
    }  # fmt: skip


_CPF = {"type": "string", "description": "CPF (11 dígitos) ou CNPJ (14 dígitos) do titular, como a pessoa escreveu"}
_CONTRACT = {"type": "string", "description": "Número do contrato no SGP"}
SCHEMAS: dict[str, dict[str, Any]] = {
    "consultar_cliente_sgp": _function(
        "consultar_cliente_sgp", "Busca o cliente e seus contratos no SGP pelo CPF/CNPJ.", {"cpf_cnpj": _CPF},
        ["cpf_cnpj"],
    ),
    "verificar_acesso_sgp": _function(
        "verificar_acesso_sgp", "Verifica se a conexão de um contrato está online, offline ou suspensa.",
        {"contrato": _CONTRACT}, ["contrato"],
    ),
    "gerar_fatura_completa": _function(
        "gerar_fatura_completa",
        "Gera a segunda via da fatura em aberto e a envia ao cliente (PIX copia e cola ou boleto).",
        {"cpf_cnpj": _CPF, "contrato": {**_CONTRACT, "type": ["string", "null"]},
         "tipo_pagamento": {"type": "string", "enum": ["pix", "boleto"]}},
        ["cpf_cnpj", "contrato", "tipo_pagamento"],
    ),
    "criar_chamado_tecnico": _function(
        "criar_chamado_tecnico", "Abre um chamado técnico no SGP e passa a conversa para a equipe de suporte.",
        {"cpf_cnpj": _CPF, "motivo": {"type": "string"}, "sintomas": {"type": "string"}},
        ["cpf_cnpj", "motivo", "sintomas"],
    ),
    "encerrar_atendimento": _function(
        "encerrar_atendimento", "Encerra o atendimento quando a pessoa não precisa de mais nada.",
        {"motivo": {"type": "string"}}, ["motivo"],
    ),
    "transferir_para_equipe": _function(
        "transferir_para_equipe", "Transfere a conversa para uma equipe de atendentes humanos.",
        {"equipe": {"type": "string", "description": "Nome da equipe (ex.: Suporte, Financeiro, Vendas)"},
         "motivo": {"type": "string"}},
        ["equipe", "motivo"],
    ),
}  # fmt: skip


class Effect(NamedTuple):
    """What the answer does to the conversation once its text is sent: close it, or hand it to a team."""

    kind: Literal["close", "transfer"]
    reason: str
    team: str | None = None


@dataclass
class Toolbox:
    """What the tools of one answer work with and what they leave: the SGP client (None when SGP is off), the
    conversation's memory, messages for the customer built from SGP's data, the effects, and a log of calls."""

    sgp: SgpClient | None
    memory: dict[str, str]
    trial: bool = False
    outbox: list[str] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    protocols: list[str] = field(default_factory=list)

    def schemas(self) -> list[dict[str, Any]]:
        names = [n for n in SCHEMAS if self.sgp is not None or n not in ACCOUNT_TOOLS]
        return [SCHEMAS[n] for n in names]

    def run(self, name: str, raw_arguments: str) -> dict[str, Any]:
        """The tool's result for the model (an `erro` for a bad call). Raises SgpUnavailable (hand-off)."""
        handler = _HANDLERS.get(name)
        if handler is None or (self.sgp is None and name in ACCOUNT_TOOLS):
            return self._log(name, {}, {"erro": f"Ferramenta indisponível: {name}"})
        try:
            arguments = json.loads(raw_arguments or "{}")
            if not isinstance(arguments, dict):
                raise ValueError("os argumentos devem ser um objeto JSON")
        except ValueError as error:
            return self._log(name, {}, {"erro": f"Argumentos inválidos: {error}"})
        model, action = handler
        try:
            parsed = model.model_validate(arguments)
        except ValidationError as error:
            problems = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors())
            return self._log(name, arguments, {"erro": f"Argumentos inválidos: {problems}"})
        return self._log(name, arguments, action(self, parsed))

    def _log(self, name: str, arguments: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
        self.calls.append({"name": name, "arguments": _loggable(arguments), "result_summary": summary(result)})
        return result

    def _client(self) -> SgpClient:
        assert self.sgp is not None  # account tools are only offered with SGP on
        return self.sgp


def _loggable(arguments: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in arguments.items() if isinstance(v, str | int | float | bool) or v is None}


def summary(result: dict[str, Any]) -> str:
    """One line of what a tool answered (the trial endpoint shows it; no codes, no secrets)."""
    if "erro" in result:
        return str(result["erro"])
    if "contratos" in result:
        return (
            f"{len(result['contratos'])} contrato(s) encontrado(s)" if result.get("found") else "Cliente não encontrado"
        )
    if "situacao" in result:
        return f"Acesso {result['situacao']}"
    if "faturas" in result:
        return f"{len(result['faturas'])} fatura(s) enviada(s)" if result["faturas"] else "Nenhuma fatura em aberto"
    if "protocolo" in result:
        return f"Chamado aberto: protocolo {result['protocolo']}" if result.get("criado") else "Chamado não aberto"
    return str(result.get("resultado") or "ok")


# -- the tools -----------------------------------------------------------------------------------------------
def _customer(box: Toolbox, args: CustomerArgs) -> dict[str, Any]:
    found = box._client().customer(args.cpf_cnpj)
    if found["found"]:
        box.memory["cpf_cnpj"] = args.cpf_cnpj
        if found["nome"]:
            box.memory["nome"] = found["nome"]
        if len(found["contratos"]) == 1 and found["contratos"][0]["contrato"] is not None:
            box.memory["contrato"] = str(found["contratos"][0]["contrato"])
    return found


def _access(box: Toolbox, args: AccessArgs) -> dict[str, Any]:
    contract = int(args.contrato)
    box.memory["contrato"] = str(contract)
    return box._client().access(contract)


def _money(value: str) -> str:
    try:
        cents = round(float(value.replace(",", ".")) * 100)
    except ValueError:
        return value
    reais, rest = divmod(cents, 100)
    return f"R$ {reais:,}".replace(",", ".") + f",{rest:02d}"


def _date(value: str) -> str:
    parts = value[:10].split("-")
    return f"{parts[2]}/{parts[1]}/{parts[0]}" if len(parts) == 3 and all(p.isdigit() for p in parts) else value


def invoice_message(invoice: dict[str, Any], kind: str, pix: str) -> str:
    """The invoice as the customer receives it: SGP's id, due date, amount and payment code or link."""
    lines = [f"Fatura {invoice['fatura']}", f"Vencimento: {_date(invoice['vencimento'])}",
             f"Valor: {_money(invoice['valor'])}"]  # fmt: skip
    if kind == "pix" and pix:
        lines += ["", "PIX copia e cola:", pix]
    else:
        if invoice["linha_digitavel"]:
            lines += ["", "Linha digitável do boleto:", invoice["linha_digitavel"]]
        if invoice["link"]:
            lines.append(f"Boleto: {invoice['link']}")
    return "\n".join(lines)


def _invoice(box: Toolbox, args: InvoiceArgs) -> dict[str, Any]:
    client = box._client()
    contract = args.contrato if args.contrato is not None else _remembered_contract(box)
    found = client.invoices(args.cpf_cnpj, int(contract) if contract is not None else None)
    box.memory["cpf_cnpj"] = args.cpf_cnpj
    sent = []
    for invoice in found[:3]:
        pix = invoice["codigo_pix"]
        if args.tipo_pagamento == "pix" and not pix and invoice["fatura"] is not None:
            pix = client.pix(int(invoice["fatura"]))
        if args.tipo_pagamento == "pix" and not pix and not (invoice["linha_digitavel"] or invoice["link"]):
            continue
        box.outbox.append(invoice_message(invoice, args.tipo_pagamento, pix))
        sent.append({"fatura": invoice["fatura"], "vencimento": invoice["vencimento"], "valor": invoice["valor"]})
    return {"faturas": sent, "enviadas_ao_cliente": bool(sent),
            "observacao": "Os dados da fatura já foram enviados ao cliente em mensagem separada." if sent else
            "Nenhuma fatura em aberto para este CPF/CNPJ."}  # fmt: skip


def _remembered_contract(box: Toolbox) -> int | None:
    value = box.memory.get("contrato")
    return int(value) if value and value.isdigit() else None


def _ticket(box: Toolbox, args: TicketArgs) -> dict[str, Any]:
    contract = _remembered_contract(box)
    if contract is None:
        found = box._client().customer(args.cpf_cnpj)
        contracts = [c["contrato"] for c in found["contratos"] if c["contrato"] is not None]
        if len(contracts) != 1:
            problem = "nenhum contrato encontrado" if not contracts else "mais de um contrato: pergunte qual"
            return {"erro": f"Não foi possível escolher o contrato ({problem})"}
        contract = int(contracts[0])
    if box.trial:
        return {"criado": False, "protocolo": "", "mensagem": "Teste: nenhum chamado foi aberto no SGP"}
    result = box._client().open_ticket(contract, args.motivo, args.sintomas)
    if result["criado"]:
        box.protocols.append(result["protocolo"])
        box.effects.append(Effect("transfer", f"Chamado técnico {result['protocolo']}: {args.motivo}", "suporte"))
    return result


def _close(box: Toolbox, args: CloseArgs) -> dict[str, Any]:
    box.effects.append(Effect("close", args.motivo))
    return {"resultado": "O atendimento será encerrado após a sua resposta final."}


def _transfer(box: Toolbox, args: TransferArgs) -> dict[str, Any]:
    box.effects.append(Effect("transfer", args.motivo, args.equipe))
    return {"resultado": f"A conversa será transferida para a equipe {args.equipe} após a sua resposta final."}


_HANDLERS: dict[str, tuple[type[BaseModel], Callable[[Toolbox, Any], dict[str, Any]]]] = {
    "consultar_cliente_sgp": (CustomerArgs, _customer),
    "verificar_acesso_sgp": (AccessArgs, _access),
    "gerar_fatura_completa": (InvoiceArgs, _invoice),
    "criar_chamado_tecnico": (TicketArgs, _ticket),
    "encerrar_atendimento": (CloseArgs, _close),
    "transferir_para_equipe": (TransferArgs, _transfer),
}
