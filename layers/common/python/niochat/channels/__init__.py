"""WhatsApp providers (Uazapi, Evolution API): one interface (base), one httpx client per provider, and
`client_for(inbox)` (factory) to pick one. Importing this package imports no HTTP library."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def client_for(inbox: Mapping[str, Any]) -> Any:
    """The ProviderClient for `inbox` (see niochat.channels.factory)."""
    from niochat.channels.factory import client_for as build

    return build(inbox)
