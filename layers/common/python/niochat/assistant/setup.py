"""What an answer of a provedor's assistant needs before it starts: the settings of the AI and of SGP, the
provedor's name, the API key (the provedor's own, or the deployment's, which only ever goes to the official
server: a provedor with its own `base_url` brings its own key) and an SGP client when SGP is on."""

from __future__ import annotations

from typing import NamedTuple

from niochat.domain import assistant
from niochat.integrations.settings import AI_KEY, SGP_TOKEN
from niochat.sgp.client import SgpClient
from niochat.store import integrations, provedores, secrets


class NotReady(Exception):
    """The assistant can't answer for this provedor (off, or no API key): the reason, in Portuguese."""


class Setup(NamedTuple):
    provedor_id: int
    provedor_name: str
    ai: assistant.AiSettings
    api_key: str
    sgp: SgpClient | None

    @property
    def base_url(self) -> str:
        return self.ai.base_url


def load(provedor_id: int) -> Setup:
    """Raises NotReady when the provedor's assistant is off or has no key to use."""
    ai_stored, sgp_stored = integrations.read_both(provedor_id)
    ai = assistant.AiSettings.of(ai_stored)
    if not ai.enabled:
        raise NotReady("O assistente de IA está desativado nas integrações do provedor")
    if ai.api_key_version:
        key = secrets.get(secrets.name_of(provedor_id, AI_KEY), ai.api_key_version)
    elif ai.uses_default_server:
        key = secrets.default_ai_key()
    else:  # the deployment's key is for the official server only, never for an address an admin chose
        raise NotReady("O assistente de IA precisa de uma chave de API própria para a URL configurada")
    if not key:
        raise NotReady("O assistente de IA não tem chave de API configurada")
    sgp = assistant.SgpSettings.of(sgp_stored)
    client = None
    if sgp.usable:
        token = secrets.get(secrets.name_of(provedor_id, SGP_TOKEN), sgp.token_version)
        client = SgpClient(sgp.url, token, sgp.app) if token else None
    provedor = provedores.get(provedor_id)
    return Setup(provedor_id, str(provedor["nome"]) if provedor else "", ai, key, client)
