"""CHANGELOG.md (Keep a Changelog format) as JSON."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

_VERSION = re.compile(r"^## \[?(?P<version>[^\]\s]+)\]?(?:\s+-\s+(?P<date>\S+))?")
_SECTION = re.compile(r"^### (?P<name>.+)")


@cache
def parse(text: str) -> dict[str, Any]:
    versions: list[dict[str, Any]] = []
    section: list[str] | None = None
    for line in text.splitlines():
        if match := _VERSION.match(line):
            versions.append({"version": match["version"], "date": match["date"], "changes": {}})
            section = None
        elif (match := _SECTION.match(line)) and versions:
            section = versions[-1]["changes"].setdefault(match["name"].strip().lower(), [])
        elif line.startswith(("- ", "* ")) and section is not None:
            section.append(line[2:].strip())
        elif line.startswith("  ") and section:
            section[-1] += " " + line.strip()
    released = [v for v in versions if v["version"].lower() != "unreleased"]
    return {"current_version": released[0]["version"] if released else None, "versions": versions}


def read(path: Path) -> dict[str, Any]:
    return parse(path.read_text(encoding="utf-8"))
