"""SGP's URA API: form-encoded POSTs to `<url>/api/ura/<endpoint>/` with `token` and `app` in the body, through
the provider HTTP plumbing (niochat.channels.http: the egress guard, timeouts, retries on timeouts, connection
errors and 5xx only), within the answer's time when the client is given it (`until`). Every answer is scrubbed of
secret-looking fields before anything else sees it, and an error answer's body is never logged (SGP's answers
carry customers' data and passwords)."""

from __future__ import annotations

import json
import time
from typing import Any, NamedTuple

from niochat.channels.base import ProviderError
from niochat.channels.http import HttpConfig, ProviderHttp
from niochat.sgp import reduce

# The assistant answers within its own budget: SGP gets shorter attempts than a WhatsApp provider.
CONFIG = HttpConfig(connect_timeout=3.0, attempt_timeout=8.0, deadline=15.0, max_attempts=3, retry_base=0.25)
MIN_CALL_SECONDS = 0.5  # less left of the answer's time: SGP is not called (the assistant hands off)


class SgpUnavailable(Exception):
    """SGP did not answer usefully (down, timed out, refused the token): the assistant hands off to people."""


class SgpClient(NamedTuple):
    url: str
    token: str
    app: str
    until: float | None = None  # the monotonic time the answer must be done by: no call (retries included) ends later

    def _config(self, endpoint: str) -> HttpConfig:
        if self.until is None:
            return CONFIG
        left = self.until - time.monotonic()
        if left <= MIN_CALL_SECONDS:
            raise SgpUnavailable(f"{endpoint}: out of time")
        return CONFIG._replace(deadline=min(CONFIG.deadline, left))

    def _post(self, endpoint: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
        http = ProviderHttp(self.url, {}, self._config(endpoint), name="sgp", log_bodies=False)
        form = {"token": self.token, "app": self.app, **(fields or {})}
        try:
            response, content = http.send("POST", f"{http.base_url}/api/ura/{endpoint}/", form=form)
        except ProviderError as error:
            raise SgpUnavailable(f"{endpoint}: {error.message}") from None
        try:
            parsed = json.loads(content or b"{}")
        except ValueError:
            raise SgpUnavailable(f"{endpoint}: the answer is not JSON (HTTP {response.status_code})") from None
        if not isinstance(parsed, dict):
            raise SgpUnavailable(f"{endpoint}: the answer is not a JSON object")
        return dict(reduce.scrub(parsed))

    def customer(self, cpf_cnpj: str) -> dict[str, Any]:
        return reduce.customer(self._post("consultacliente", {"cpfcnpj": cpf_cnpj}))

    def access(self, contract: int) -> dict[str, Any]:
        return reduce.access(self._post("verificaacesso", {"contrato": str(contract)}))

    def invoices(self, cpf_cnpj: str, contract: int | None) -> list[dict[str, Any]]:
        fields = {"cpfcnpj": cpf_cnpj}
        if contract is not None:
            fields["contrato"] = str(contract)
        return reduce.invoices(self._post("fatura2via", fields))

    def pix(self, invoice: int) -> str:
        return reduce.pix(self._post(f"pagamento/pix/{invoice}"))

    def open_ticket(self, contract: int, reason: str, content: str) -> dict[str, Any]:
        fields = {"contrato": str(contract), "ocorrenciatipo": "1", "conteudo": f"{reason}: {content}"[:2000]}
        return reduce.ticket(self._post("chamado", fields))
