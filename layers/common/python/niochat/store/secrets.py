"""Secrets of a provedor's integrations (the AI's API key, SGP's token), one SSM SecureString parameter each,
encrypted with the account's SSM key: `<prefix>/provedores/<p>/<name>`; the deployment's default AI key is
`<prefix>/default/ai-api-key`. The prefix is SECRETS_PREFIX (default `/niochat/<table name>`).

The table keeps only the secret's mask and the SSM version it uses; reads name that version (`name:version`),
so the table and the parameter never disagree (a settings write that loses a race leaves the table on the
version it had, which SSM still holds), and a read is cached per (parameter, version): a changed secret is read
at once, an unchanged one costs no SSM call on a warm function. Values never go to a log.
"""

from __future__ import annotations

import os

from niochat.settings import get_settings
from niochat.store.clients import ssm

DEFAULT_AI_KEY = "default/ai-api-key"
_cache: dict[tuple[str, int], str | None] = {}


def prefix() -> str:
    return os.environ.get("SECRETS_PREFIX", "").rstrip("/") or f"/niochat/{get_settings().table_name}"


def name_of(provedor_id: int, secret: str) -> str:
    return f"{prefix()}/provedores/{provedor_id}/{secret}"


def put(name: str, value: str) -> int:
    """Store a new version of the secret; its SSM version number."""
    answer = ssm().put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)
    return int(answer["Version"])


def delete(name: str) -> None:
    try:
        ssm().delete_parameter(Name=name)
    except ssm().exceptions.ParameterNotFound:
        pass
    for key in [key for key in _cache if key[0] == name]:
        del _cache[key]


def get(name: str, version: int = 0) -> str | None:
    """The secret's value at `version` (0: the latest), None when it does not exist."""
    key = (name, version)
    if key in _cache:
        return _cache[key]
    try:
        answer = ssm().get_parameter(Name=f"{name}:{version}" if version else name, WithDecryption=True)
    except ssm().exceptions.ParameterNotFound:
        if version:  # a version never comes back; a latest that is missing may be created (the default key)
            _cache[key] = None
        return None
    _cache[key] = str(answer["Parameter"]["Value"])
    return _cache[key]


def default_ai_key() -> str | None:
    """The deployment's own API key (for provedores that bring none; its latest version), read once per
    process."""
    return get(f"{prefix()}/{DEFAULT_AI_KEY}", 0)


def reset() -> None:
    """Forget the values read (the client is niochat.store.clients')."""
    _cache.clear()
