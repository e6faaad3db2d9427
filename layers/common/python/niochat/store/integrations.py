"""A provedor's integration settings: `P#<p>` / `INTEGRATION#AI` {type: ai_settings, …} and
`P#<p>` / `INTEGRATION#SGP` {type: sgp_settings, …}. Secrets are not here (niochat.store.secrets): only their
mask and version (`api_key_mask`, `api_key_version`; `token_mask`, `token_version`)."""

from __future__ import annotations

from niochat.store import keys
from niochat.store.table import Item, table

AI = "ai"
SGP = "sgp"
TYPES = {AI: "ai_settings", SGP: "sgp_settings"}


def key(provedor_id: int, integration: str) -> tuple[str, str]:
    return keys.tenant(provedor_id), f"INTEGRATION#{integration.upper()}"


def read(provedor_id: int, integration: str) -> Item | None:
    return table().get(*key(provedor_id, integration), consistent=True)


def read_both(provedor_id: int) -> tuple[Item | None, Item | None]:
    """The AI's and SGP's settings in one BatchGetItem."""
    found = table().batch_get([key(provedor_id, AI), key(provedor_id, SGP)])
    by_sk = {str(item["SK"]): item for item in found}
    return by_sk.get(key(provedor_id, AI)[1]), by_sk.get(key(provedor_id, SGP)[1])
