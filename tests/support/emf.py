"""CloudWatch embedded metric format (EMF) lines, as niochat.metrics prints them to stdout."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any


def emf_documents(out: str) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Each EMF document in the captured `out` with its metric directive (niochat prints one a line); other
    lines, such as log records, are passed over."""
    for line in out.splitlines():
        try:
            document = json.loads(line)
        except ValueError:
            continue
        if not isinstance(document, dict) or "_aws" not in document:
            continue
        (directive,) = document["_aws"]["CloudWatchMetrics"]
        yield document, directive
