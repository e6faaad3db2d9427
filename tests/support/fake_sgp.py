"""A fake SGP (its URA API) on loopback, answering with the shapes of tests/fixtures/sgp (copied from
../shared/fixtures/sgp): form-encoded POSTs to /api/ura/<endpoint>/ with `token` and `app` in the body.

    with FakeSgp(token="sgp-token-1", app="niochat") as sgp:
        ... settings {"url": sgp.url, "token": "sgp-token-1", "app": "niochat"} ...
        assert sgp.calls("consultacliente")[0]["cpfcnpj"] == "529.982.247-25"

The one known customer is the fixture's (CPF 529.982.247-25, contract 91377, with the secret fields
`servico_senha` and `contratoCentralSenha` in its answer, and two more nested deeper: SECRETS lists their
values, and `returned_secrets()` every secret-looking value the fake actually answered; none may reach the
model, a log or a message). `access` sets what verificaacesso says ("online", "offline", "suspenso").
A wrong token or app is 401, as SGP answers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from tests.support.fake_server import FakeServer, Recorded, Reply

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sgp"
CPF = "529.982.247-25"
CONTRACT = 91377
PROTOCOL = "20261201-004512"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


PIX_CODE = fixture("fatura2via.found")["links"][0]["codigopix"]
# What a secret is named like in SGP's answers (the test's own idea of it, not the product's).
SECRET_NAME = re.compile(r"senha|passw|pwd|secret|segredo|token|chave|pin", re.IGNORECASE)


def _found_customer() -> dict[str, Any]:
    """The fixture's customer, with secrets nested deep as some SGP servers add them (an ONU's web password in
    a list of equipment, a token of the customer's portal)."""
    answer = fixture("consultacliente.found")
    answer["contratos"][0]["servico"] = {
        "equipamentos": [{"tipo": "ONU", "acesso": {"usuario": "admin", "password": "onu-Pw-5521"}}]
    }
    answer["contratos"][0]["portal"] = {"tokenAcesso": "tk-portal-99173"}
    return answer


SECRETS = ("pppoe-Xk29!aa", "central-7731", "onu-Pw-5521", "tk-portal-99173")


class FakeSgp(FakeServer):
    name = "fake-sgp"

    def __init__(self, token: str = "sgp-token-1", app: str = "niochat", host: str = "127.0.0.1") -> None:
        self.token, self.app = token, app
        self.access = "offline"
        super().__init__(host)

    def returned_secrets(self) -> set[str]:
        """Every value under a secret-looking name in every answer this fake gave (at any depth)."""
        found: set[str] = set()

        def walk(value: Any) -> None:
            if isinstance(value, dict):
                for name, inner in value.items():
                    if SECRET_NAME.search(str(name)) and isinstance(inner, str | int) and len(str(inner)) >= 6:
                        found.add(str(inner))
                    walk(inner)
            elif isinstance(value, list):
                for inner in value:
                    walk(inner)

        for request in list(self.requests):
            if request.reply is not None:
                walk(request.reply.json)
        return found

    def calls(self, endpoint: str) -> list[dict[str, str]]:
        """The form fields of every request to `endpoint` (e.g. "consultacliente"), in order."""
        return [_form(r) for r in self.requests if r.path.strip("/").split("/")[2:3] == [endpoint.split("/")[0]]]

    def default(self, request: Recorded) -> Reply:
        form = _form(request)
        if request.method != "POST" or not request.path.startswith("/api/ura/"):
            return Reply(404, {"detail": "Not found"})
        if form.get("token") != self.token or form.get("app") != self.app:
            return Reply(401, {"detail": "Token inválido"})
        endpoint = request.path.strip("/").split("/")[2]
        known = _digits(form.get("cpfcnpj", "")) == _digits(CPF)
        if endpoint == "consultacliente":
            return Reply(200, _found_customer() if known else fixture("consultacliente.not-found"))
        if endpoint == "verificaacesso":
            if form.get("contrato") != str(CONTRACT):
                return Reply(200, {"status": 0, "msg": "Contrato não encontrado"})
            return Reply(200, fixture(f"verificaacesso.{self.access}"))
        if endpoint == "fatura2via":
            return Reply(200, fixture("fatura2via.found" if known else "fatura2via.none"))
        if endpoint == "chamado":
            if form.get("contrato") != str(CONTRACT):
                return Reply(200, {"status": 0, "msg": "Contrato não encontrado"})
            return Reply(200, fixture("chamado.created"))
        if endpoint == "pagamento":
            return Reply(200, fixture("pagamento-pix"))
        return Reply(404, {"detail": "Not found"})


def _form(request: Recorded) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.body.decode() if request.body else "").items()}


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())
