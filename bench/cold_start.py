"""Cold import time of each function's handler module in fresh interpreters, beside the floor (boto3 and
Powertools alone); whether a handler module does I/O at import; and what the slowest one imports."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from bench import imports
from bench.interpreters import FLOOR, FLOOR_OBJECTS, ROOT, ImportFailed, Target, side_effects, targets, time_import
from bench.report import render

RUNS = 5
TARGET_OVER_FLOOR_MS = 100.0


@dataclass
class Result:
    target: Target
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def best(self) -> float:
        return min(self.cpu)

    @property
    def wall_median(self) -> float:
        return statistics.median(self.wall)


def time_all(all_targets: list[Target], runs: int = RUNS) -> dict[str, Result]:
    """Each target `runs` times, interleaved so drift on a busy machine hits every target alike.
    One untimed round first writes the bytecode caches, as a deployed package would ship them."""
    results = {t.name: Result(t) for t in all_targets}
    for round_ in range(runs + 1):
        for result in results.values():
            if result.error:
                continue
            try:
                cpu, wall = time_import(result.target)
            except ImportFailed as error:
                result.error = str(error)
                continue
            if round_ > 0:
                result.cpu.append(cpu)
                result.wall.append(wall)
    return results


def effects_text(target: Target, floor: set[str]) -> str:
    """Side effects beyond the floor's, briefly: botocore's own data files are counted, not listed."""
    try:
        effects = side_effects(target)
    except ImportFailed as error:
        return f"import failed: {error}"
    extra = [e for e in dict.fromkeys(effects) if e not in floor]
    data_files = [e for e in extra if e.startswith("open ") and "/botocore/data/" in e]
    shown = [e.replace(str(ROOT) + "/", "") for e in extra if e not in data_files]
    if data_files:
        shown.append(f"{len(data_files)} botocore data files read")
    return "; ".join(shown) if shown else "none"


def run() -> list[str]:
    all_targets, missing = targets()
    results = time_all(all_targets)
    floor, ref = results[FLOOR], results[FLOOR_OBJECTS]
    if floor.error:
        return [f"Cold start: the floor does not import: {floor.error}"]
    floor_effects = set(side_effects(floor.target))
    target = f"≤ {TARGET_OVER_FLOOR_MS:.0f}"

    rows: list[list[object]] = [["floor: boto3 + powertools imports", floor.median, floor.best, floor.wall_median]]
    rows[0] += [None] * 5
    timed = []
    for result in list(results.values())[1:]:
        name = result.target.name
        label = "(ref) floor + Logger/Tracer/Metrics/Resolver()" if name == FLOOR_OBJECTS else name
        if result.error:
            rows.append([label, None, None, None, None, None, target, "import failed", result.error])
            continue
        effects = effects_text(result.target, floor_effects)
        over = result.median - floor.median
        if name == FLOOR_OBJECTS:
            rows.append([label, result.median, result.best, result.wall_median, over, None, None, None, effects])
            continue
        over_ref = result.median - ref.median if not ref.error else None
        ok = "yes" if over <= TARGET_OVER_FLOOR_MS else "NO"
        rows.append([label, result.median, result.best, result.wall_median, over, over_ref, target, ok, effects])
        timed.append(result)
    rows += [[name, None, None, None, None, None, target, "no app.py yet", None] for name in missing]

    headers = ["function", "median ms", "min ms", "wall median ms", "over floor ms", "over ref ms", "target over floor"]
    headers += ["ok?", "at import"]
    notes = [
        f"{RUNS} fresh interpreters per row, interleaved, after one untimed round that writes bytecode caches.",
        "Only the import of functions/<name>/app.py (or the floor's imports) is timed, not interpreter start-up.",
        "median/min ms: CPU time of the importing process (steady on a busy machine; an import is CPU-bound);",
        "wall median ms: wall-clock time, which also counts waiting for a CPU when the machine is busy.",
        "'over floor' = median - floor median. The (ref) row is no target: the floor plus the Powertools",
        "objects every handler module creates at import; 'over ref' = median - (ref) median, the function's",
        "own cost beyond them. 'at import': boto3 clients created, sockets connected and files open()ed",
        "during the import beyond the floor's own.",
    ]
    tables = [render("Cold start: handler import time (fresh interpreter)", headers, rows, notes)]
    if timed:
        tables.append(imports.slowest_imports(max(timed, key=lambda r: r.median).target, floor.target))
    return tables
