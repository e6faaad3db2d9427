"""Plain-text tables with aligned columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _numeric(text: str) -> bool:
    return text.lstrip("+-").replace(".", "", 1).isdigit()


def render(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], notes: Sequence[str] = ()) -> str:
    """`title`, then the table (numbers right-aligned, text left-aligned), then one line per note."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if _numeric(v) else v.ljust(w) for v, w in zip(values, widths, strict=True)]
        return " | ".join(parts).rstrip()

    out = [title, "", line(list(headers)), "-+-".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    out += ["", *notes] if notes else []
    return "\n".join(out)
