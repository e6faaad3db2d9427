"""The files generated from the contract, by path: what `make contract` writes and what tests compare."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from infra.contract import document, postman

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "functions" / "docs" / "openapi.json"
POSTMAN_DIR = ROOT / "docs" / "postman"
COLLECTION = POSTMAN_DIR / "niochat.postman_collection.json"
ENVIRONMENT = POSTMAN_DIR / "niochat.postman_environment.json"


def _text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@cache
def files() -> dict[Path, str]:
    spec = document.build()
    return {
        OPENAPI: _text(spec),
        COLLECTION: _text(postman.collection(spec)),
        ENVIRONMENT: _text(postman.environment()),
    }
