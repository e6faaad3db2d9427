"""The moto server (the local stack's embedded AWS) finds a request's backend once per host name.

moto's `DomainDispatcherApplication.get_backend_for_host` lists moto's package folders (a `stat` of each of
~160) and then tries every service's URL patterns, on every request and under the dispatcher's one lock: in
the e2e fuzz runs it was a third of the embedded server's time. The answer depends on the host name only
(`dynamodb.us-east-1.amazonaws.com`, the name the request's signature gives), so each dispatcher keeps it
per name.
"""

from __future__ import annotations

import functools
from typing import Any

# Host names are service.region names, a few per process: past this many, a stray client's names are not kept.
KNOWN_HOSTS = 512


def install() -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    original = DomainDispatcherApplication.get_backend_for_host

    @functools.wraps(original)
    def get_backend_for_host(self: Any, host: str | None) -> Any:
        known: dict[str, Any] = self.__dict__.setdefault("_backend_by_host", {})
        if host is None or host not in known:
            backend = original(self, host)
            if host is not None and len(known) < KNOWN_HOSTS:
                known[host] = backend
            return backend
        return known[host]

    DomainDispatcherApplication.get_backend_for_host = get_backend_for_host
