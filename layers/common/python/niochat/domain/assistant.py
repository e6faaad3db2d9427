"""The AI assistant (pure): its settings with their defaults, how it signs what it does, its memory of a
conversation, and the system prompt built from a provedor's settings."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from niochat.domain.users import AssistantRef, Principal, UserType

DEFAULT_NAME = "Assistente Virtual"
DEFAULT_MODEL = "gpt-4.1-mini"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_TEMPERATURE = 0.3
# The business facts an admin may describe (API field → how the prompt names it).
BUSINESS_FACTS: dict[str, str] = {
    "site": "Site",
    "address": "Endereço",
    "opening_hours": "Horário de atendimento",
    "plans": "Planos",
    "installation_time": "Prazo de instalação",
    "fees": "Taxas",
    "documents": "Documentos necessários",
    "notes": "Outras informações",
}
# What the assistant remembers of a conversation (cleared when it closes).
MEMORY_FIELDS = ("cpf_cnpj", "contrato", "nome")
HISTORY_MESSAGES = 20
MAX_TOOL_ROUNDS = 5
# The user id of the assistant's actions (audit entries, activity messages): no user has it.
ASSISTANT_USER_ID = 0
ASSISTANT_USERNAME = "ia"


class AiSettings(NamedTuple):
    enabled: bool = False
    assistant_name: str = DEFAULT_NAME
    persona: str = ""
    business: Mapping[str, str] = MappingProxyType({})
    model: str = DEFAULT_MODEL
    temperature: float = DEFAULT_TEMPERATURE
    base_url: str = DEFAULT_BASE_URL
    api_key_version: int = 0  # 0: the provedor has no key of its own (the deployment's is used)

    @classmethod
    def of(cls, stored: Mapping[str, Any] | None) -> AiSettings:
        stored = stored or {}
        business = stored.get("business") or {}
        return cls(
            enabled=bool(stored.get("enabled", False)),
            assistant_name=str(stored.get("assistant_name") or DEFAULT_NAME),
            persona=str(stored.get("persona") or ""),
            business={name: str(business[name]) for name in BUSINESS_FACTS if business.get(name)},
            model=str(stored.get("model") or DEFAULT_MODEL),
            temperature=float(stored.get("temperature", DEFAULT_TEMPERATURE)),
            base_url=str(stored.get("base_url") or DEFAULT_BASE_URL),
            api_key_version=int(stored.get("api_key_version") or 0),
        )

    @property
    def uses_default_server(self) -> bool:
        """The official server (DEFAULT_BASE_URL): the only one the deployment's own key is sent to."""
        return self.base_url.rstrip("/").lower() == DEFAULT_BASE_URL


class SgpSettings(NamedTuple):
    enabled: bool = False
    url: str = ""
    app: str = ""
    token_version: int = 0  # 0: no token stored

    @classmethod
    def of(cls, stored: Mapping[str, Any] | None) -> SgpSettings:
        stored = stored or {}
        return cls(
            enabled=bool(stored.get("enabled", False)),
            url=str(stored.get("url") or ""),
            app=str(stored.get("app") or ""),
            token_version=int(stored.get("token_version") or 0),
        )

    @property
    def usable(self) -> bool:
        return self.enabled and bool(self.url) and self.token_version > 0


def sender(settings: AiSettings) -> AssistantRef:
    return {"type": "ai", "username": ASSISTANT_USERNAME, "first_name": settings.assistant_name}


def principal(provedor_id: int, settings: AiSettings) -> Principal:
    """The assistant as the actor of its actions on a conversation (close, hand-off): its provedor's admin
    for the state machine, named by the assistant's name in activity messages and the audit log."""
    return Principal(
        user_id=ASSISTANT_USER_ID,
        provedor_id=provedor_id,
        user_type=UserType.ADMIN,
        username=ASSISTANT_USERNAME,
        first_name=settings.assistant_name,
    )


def memory_of(stored: Mapping[str, Any] | None) -> dict[str, str]:
    found = (stored or {}).get("memory") or {}
    return {name: str(found[name]) for name in MEMORY_FIELDS if found.get(name)}


RULES = """Regras:
- Cumprimente a pessoa na primeira mensagem e pergunte se ela já é cliente.
- Antes de qualquer ação na conta (fatura, acesso, chamado), peça o CPF ou CNPJ do titular e use as ferramentas.
- Nunca invente dados: faturas, valores, códigos PIX, protocolos e situação do acesso vêm só das ferramentas.
- Nunca peça nem informe senhas.
- Respostas curtas, no estilo do WhatsApp, em português do Brasil.
- Se não souber resolver, ou a pessoa pedir um atendente, transfira para a equipe com transferir_para_equipe.
- Quando o atendimento terminar e a pessoa não precisar de mais nada, use encerrar_atendimento."""


def system_prompt(provedor_name: str, settings: AiSettings, memory: Mapping[str, str], sgp_on: bool) -> str:
    """What the model is told before the conversation: who it is, the provedor's facts, the rules, and what it
    already knows of this customer."""
    lines = [f"Você é {settings.assistant_name}, assistente virtual do provedor de internet {provedor_name}."]
    if settings.persona.strip():
        lines.append(f"Estilo: {settings.persona.strip()}")
    facts = [f"- {label}: {settings.business[name]}" for name, label in BUSINESS_FACTS.items()
             if settings.business.get(name)]  # fmt: skip
    if facts:
        lines += ["Informações do provedor:", *facts]
    lines.append(RULES)
    if not sgp_on:
        lines.append("O sistema de gestão (SGP) não está disponível: para assuntos da conta, transfira para a equipe.")
    if memory:
        known = ", ".join(f"{name}: {value}" for name, value in memory.items())
        lines.append(f"Já informado nesta conversa: {known}.")
    return "\n".join(lines)
