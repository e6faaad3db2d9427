"""SGP's answers reduced to what the assistant's tools need (pure). Nothing named like a password, secret or
token survives: not SGP's known ones (`servico_senha`, `contratoCentralSenha`), not any other such field a
server adds. Real servers vary: missing fields, numbers as strings and empty lists are normal."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Named like a secret: senha, password/passwd, pwd, secret/segredo, token, chave, credential/credencial, api key,
# and pin as a word of its own (pin, PIN, wifi_pin, wifiPin, pinCode; not ping, spinner or opinion).
SECRET_NAME = re.compile(
    r"(?i:senha|passw|pwd|secret|segredo|token|chave|credenc|credential|api_?key)|(?i:pin)(?![a-z])"
)
ACCESS_STATUS = {1: "online", 2: "offline", 4: "suspenso por pendência financeira"}


def scrub(value: Any) -> Any:
    """`value` without any mapping entry whose name looks like a secret, at any depth."""
    if isinstance(value, Mapping):
        return {str(k): scrub(v) for k, v in value.items() if not SECRET_NAME.search(str(k))}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def _objects(value: Any) -> list[Mapping[str, Any]]:
    """The objects of a list SGP answered (anything else, a list of other things included, counts as none)."""
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    """A scalar as text; nothing for None or a nested object (never its repr)."""
    return "" if value is None or isinstance(value, Mapping | list) else str(value).strip()


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def customer(answer: Mapping[str, Any]) -> dict[str, Any]:
    """consultacliente → {found, nome, contratos: [{contrato, status, plano, valor_aberto, titulos_abertos,
    cidade, bairro}]}."""
    contracts = _objects(answer.get("contratos"))
    reduced = [
        {
            "contrato": _int(c.get("contratoId")),
            "status": _text(c.get("contratoStatusDisplay")) or _text(c.get("contratoStatus")),
            "plano": _text(c.get("servico_plano")),
            "valor_aberto": _text(c.get("contratoValorAberto")),
            "titulos_abertos": _int(c.get("contratoTitulosAReceber")) or 0,
            "cidade": _text(c.get("endereco_cidade")),
            "bairro": _text(c.get("endereco_bairro")),
        }
        for c in contracts
    ]
    name = next((_text(c.get("razaoSocial")) for c in contracts if c.get("razaoSocial")), "")
    return {"found": bool(reduced), "nome": name, "contratos": reduced}


def access(answer: Mapping[str, Any]) -> dict[str, Any]:
    """verificaacesso → {status_code, situacao, mensagem}."""
    code = _int(answer.get("status"))
    situation = ACCESS_STATUS.get(code or -1, "desconhecido")
    return {"status_code": code, "situacao": situation, "mensagem": _text(answer.get("msg"))}


def invoices(answer: Mapping[str, Any]) -> list[dict[str, Any]]:
    """fatura2via → [{fatura, vencimento, valor, codigo_pix, linha_digitavel, link}] (open invoices)."""
    links = _objects(answer.get("links"))
    return [
        {
            "fatura": _int(link.get("fatura")),
            "vencimento": _text(link.get("vencimento")),
            "valor": _text(link.get("valor")),
            "codigo_pix": _text(link.get("codigopix")),
            "linha_digitavel": _text(link.get("linhadigitavel")),
            "link": _text(link.get("link")),
        }
        for link in links
        if _int(link.get("fatura")) is not None
    ]


def pix(answer: Mapping[str, Any]) -> str:
    """pagamento/pix/{fatura} → the PIX copy-and-paste code ("" when SGP made none)."""
    return _text(answer.get("pix") or answer.get("codigopix"))


def ticket(answer: Mapping[str, Any]) -> dict[str, Any]:
    """chamado → {criado, protocolo, mensagem}."""
    protocol = _text(answer.get("protocolo"))
    return {"criado": bool(protocol) and _int(answer.get("status")) != 0, "protocolo": protocol,
            "mensagem": _text(answer.get("msg"))}  # fmt: skip
