"""`client_for(inbox)`: the provider client an inbox is configured for.

`inbox["settings"]` = {"provider": "uazapi" | "evolution", "base_url", "instance" (Evolution), "token"}.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from niochat.channels.base import ProviderClient

PROVIDERS = ("uazapi", "evolution")


class InvalidProviderSettings(ValueError):
    """The inbox names no known provider, or lacks what its provider needs (base_url, token, instance)."""


def client_for(inbox: Mapping[str, Any]) -> ProviderClient:
    settings = inbox.get("settings") or {}
    provider = str(settings.get("provider") or "").strip().lower()
    base_url = str(settings.get("base_url") or "").strip()
    token = str(settings.get("token") or "").strip()
    if provider not in PROVIDERS:
        raise InvalidProviderSettings(f"Provedor de WhatsApp desconhecido: {provider or '(nenhum)'}")
    if not base_url.startswith(("http://", "https://")) or not token:
        raise InvalidProviderSettings("A inbox não tem URL e token do provedor configurados")
    if provider == "uazapi":
        from niochat.channels.uazapi import UazapiClient

        return UazapiClient(base_url, token)
    instance = str(settings.get("instance") or "").strip()
    if not instance:
        raise InvalidProviderSettings("A inbox Evolution não tem a instância configurada")
    from niochat.channels.evolution import EvolutionClient

    return EvolutionClient(base_url, instance, token)
