"""The AI assistant's and SGP's settings as the API shows them: the values in force, secrets masked."""

from __future__ import annotations

from typing import TypedDict

from niochat.domain import assistant
from niochat.store.table import Item
from niochat.views import settings_of


class AiSettingsView(TypedDict):
    provedor: int
    enabled: bool
    assistant_name: str
    persona: str
    business: dict[str, str]  # every fact of assistant.BUSINESS_FACTS ("": not told)
    model: str
    temperature: float
    base_url: str
    api_key: str | None  # masked; None: the deployment's default key is used
    uses_default_key: bool
    updated_at: str | None


class SgpSettingsView(TypedDict):
    provedor: int
    enabled: bool
    url: str
    app: str
    token: str | None  # masked
    updated_at: str | None


def ai_settings(provedor_id: int, stored: Item | None) -> AiSettingsView:
    current = assistant.AiSettings.of(stored)
    return settings_of(
        AiSettingsView,
        provedor_id,
        stored,
        current._asdict(),
        business={name: current.business.get(name, "") for name in assistant.BUSINESS_FACTS},
        api_key=(stored or {}).get("api_key_mask"),
        uses_default_key=current.api_key_version == 0,
    )


def sgp_settings(provedor_id: int, stored: Item | None) -> SgpSettingsView:
    current = assistant.SgpSettings.of(stored)
    return settings_of(SgpSettingsView, provedor_id, stored, current._asdict(), token=(stored or {}).get("token_mask"))
