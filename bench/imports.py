"""Where an import spends its time, from -X importtime: the slowest modules, and what goes beyond the floor."""

from __future__ import annotations

from dataclasses import dataclass

from bench.interpreters import Target, importtime_lines
from bench.report import render


@dataclass(frozen=True)
class Module:
    name: str
    self_ms: float
    cumulative_ms: float

    @property
    def package(self) -> str:
        return self.name.partition(".")[0]


def parse(lines: list[str]) -> list[Module]:
    modules = []
    for line in lines:
        own, cumulative, name = line.removeprefix("import time:").split("|", 2)
        modules.append(Module(name.strip(), int(own) / 1000, int(cumulative) / 1000))
    return modules


def profile(target: Target, runs: int = 3) -> list[Module]:
    """Each module's times, the least seen in `runs` fresh interpreters (least disturbed by other load)."""
    least: dict[str, Module] = {}
    for _ in range(runs):
        for m in parse(importtime_lines(target)):
            seen = least.get(m.name, m)
            least[m.name] = Module(m.name, min(seen.self_ms, m.self_ms), min(seen.cumulative_ms, m.cumulative_ms))
    return list(least.values())


def slowest_imports(target: Target, floor: Target, top: int = 5, runs: int = 3) -> str:
    """The modules that cost `target` the most import time, and its imports the floor does not make."""
    modules = profile(target, runs)
    in_floor = {m.name for m in profile(floor, runs=1)}
    by_self = sorted(modules, key=lambda m: m.self_ms, reverse=True)[:top]
    rows = [[m.name, m.self_ms, m.cumulative_ms, "yes" if m.name in in_floor else "no"] for m in by_self]

    beyond = [m for m in modules if m.name not in in_floor]
    packages: dict[str, list[Module]] = {}
    for m in beyond:
        packages.setdefault(m.package, []).append(m)
    totals = sorted(((p, len(ms), sum(m.self_ms for m in ms)) for p, ms in packages.items()), key=lambda t: -t[2])
    total_ms = sum(m.self_ms for m in beyond)
    return "\n\n".join(
        [
            render(
                f"Slowest imports of '{target.name}' (-X importtime, least of {runs} runs; top {top} by self time)",
                ["module", "self ms", "cumulative ms", "in floor?"],
                rows,
            ),
            render(
                f"Imports of '{target.name}' beyond the floor, by top-level package (top {top})",
                ["package", "modules", "self ms"],
                [list(t) for t in totals[:top]],
                [
                    f"Modules the floor does not import: {len(beyond)}, {total_ms:.1f} ms self time. -X importtime",
                    "times are wall-clock (inflated by load and by the tracing itself): read them as shares.",
                    "The modules the floor does not import are the candidates to lazy-load.",
                ],
            ),
        ]
    )
