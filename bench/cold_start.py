"""Cold import time of each function's handler module in fresh interpreters, beside the floor (boto3 and
Powertools alone): in the dev venv, with whether a handler module does I/O at import and what the slowest one
imports; and as deployed, from the built artifacts with CPython 3.12 and no bytecode writing, as on Lambda."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from bench import imports
from bench.interpreters import (
    FLOOR,
    FLOOR_OBJECTS,
    FLOOR_PAUSED,
    ROOT,
    ImportFailed,
    Target,
    Timing,
    deployed_targets,
    side_effects,
    targets,
    time_import,
)
from bench.report import render

RUNS = 7
TARGET_OVER_FLOOR_MS = 100.0
TARGET = f"≤ {TARGET_OVER_FLOOR_MS:.0f}"


@dataclass
class Result:
    target: Target
    timings: list[Timing] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(t.cpu_ms for t in self.timings)

    @property
    def times(self) -> list[object]:
        """A row's timing cells: median ms, min ms and wall median ms."""
        return [self.median, min(t.cpu_ms for t in self.timings), statistics.median(t.wall_ms for t in self.timings)]

    @property
    def from_source(self) -> int:
        return max(t.from_source for t in self.timings)


def time_all(all_targets: list[Target], runs: int = RUNS) -> dict[str, Result]:
    """Each target `runs` times, interleaved so drift on a busy machine hits every target alike.
    One untimed round first (it writes the dev venv's bytecode caches, and warms the page cache)."""
    results = {t.name: Result(t) for t in all_targets}
    for round_ in range(runs + 1):
        for result in results.values():
            if result.error:
                continue
            try:
                timing = time_import(result.target)
            except ImportFailed as error:
                result.error = str(error)
                continue
            if round_ > 0:
                result.timings.append(timing)
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


def _timed_cells(result: Result, floor: Result) -> list[object]:
    """median, min, wall median and over floor ms of a row."""
    return [*result.times, result.median - floor.median]


def _ok(result: Result, floor: Result) -> str:
    return "yes" if result.median - floor.median <= TARGET_OVER_FLOOR_MS else "NO"


def _over(result: Result, reference: Result) -> float | None:
    return None if reference.error else result.median - reference.median


PAUSED_LABEL = "(ref) floor, GC paused as niochat.boot does"
PAUSED_NOTES = [
    "Every function is imported as Lambda imports it: through niochat.boot, which pauses garbage collection while",
    "`app` loads and freezes what it created (its docstring says why). The floor is imported as a plain",
    "interpreter does, collecting. The GC-paused (ref) row is the floor's imports under the same pause; 'over",
    "paused floor' = median - its median: the function's own imports, GC aside. Not a target.",
]


def dev_tables() -> list[str]:
    all_targets, missing = targets()
    results = time_all(all_targets)
    floor, ref, paused = results[FLOOR], results[FLOOR_OBJECTS], results[FLOOR_PAUSED]
    if floor.error:
        return [f"Cold start: the floor does not import: {floor.error}"]
    floor_effects = set(side_effects(floor.target))

    rows: list[list[object]] = [["floor: boto3 + powertools imports", *floor.times]]
    rows[0] += [None] * 6
    labels = {FLOOR_OBJECTS: "(ref) floor + Logger/LazyTracer/Metrics/Resolver()", FLOOR_PAUSED: PAUSED_LABEL}
    timed = []
    for result in list(results.values())[1:]:
        name = result.target.name
        label = labels.get(name, name)
        if result.error:
            rows.append([label, None, None, None, None, None, None, TARGET, "import failed", result.error])
            continue
        effects = effects_text(result.target, floor_effects)
        if name in labels:
            rows.append([label, *_timed_cells(result, floor), None, None, None, None, effects])
            continue
        over = [_over(result, ref), _over(result, paused)]
        rows.append([label, *_timed_cells(result, floor), *over, TARGET, _ok(result, floor), effects])
        timed.append(result)
    rows += [[name, None, None, None, None, None, None, TARGET, "no app.py yet", None] for name in missing]

    headers = ["function", "median ms", "min ms", "wall median ms", "over floor ms", "over ref ms"]
    headers += ["over paused floor ms", "target over floor", "ok?", "at import"]
    notes = [
        f"{RUNS} fresh interpreters per row, interleaved, after one untimed round that writes bytecode caches.",
        "Only the import of the handler (or the floor's imports) is timed, not interpreter start-up.",
        "median/min ms: CPU time of the importing process (steady on a busy machine; an import is CPU-bound);",
        "wall median ms: wall-clock time, which also counts waiting for a CPU when the machine is busy.",
        "'over floor' = median - floor median. The (ref) row is no target: the floor plus the Powertools",
        "objects every handler module creates at import; 'over ref' = median - (ref) median, the function's",
        "own cost beyond them. 'at import': boto3 clients created, sockets connected and files open()ed",
        "during the import beyond the floor's own.",
        *PAUSED_NOTES,
    ]
    tables = [render("Cold start: handler import time (fresh interpreter, dev venv)", headers, rows, notes)]
    if timed:
        tables.append(imports.slowest_imports(max(timed, key=lambda r: r.median).target, floor.target))
    return tables


def deployed_table() -> str:
    title = "Cold start as deployed: handler import from build/ (CPython 3.12, no bytecode writing)"
    all_targets, problem = deployed_targets()
    if problem:
        return f"{title}\n\nnot measured: {problem}"
    results = time_all(all_targets)
    floor, paused = results[FLOOR], results[FLOOR_PAUSED]
    if floor.error:
        return f"{title}\n\nthe floor does not import: {floor.error}"

    floor_row = ["floor: boto3 + powertools imports", *floor.times, None, None, None, None, floor.from_source]
    rows: list[list[object]] = [floor_row]
    for result in list(results.values())[1:]:
        name = result.target.name
        if result.error:
            rows.append([name, None, None, None, None, None, TARGET, "import failed", result.error])
            continue
        if name == FLOOR_PAUSED:
            rows.append([PAUSED_LABEL, *_timed_cells(result, floor), None, None, None, result.from_source])
            continue
        ok = _ok(result, floor)
        rows.append([name, *_timed_cells(result, floor), _over(result, paused), TARGET, ok, result.from_source])

    headers = ["function", "median ms", "min ms", "wall median ms", "over floor ms", "over paused floor ms"]
    headers += ["target over floor", "ok?", "modules without .pyc"]
    notes = [
        "Each row imports the handler (as Lambda's runtime does) in a fresh CPython 3.12 with sys.path =",
        "build/functions/<name> (/var/task), build/common-layer/python and the deps layer (/opt/python), -I -S -B:",
        "no site-packages, no PYTHON* variables, no bytecode written, as on Lambda's read-only file system. The",
        "deps layer is build/layer-deps-host: the same requirements built the same way, with wheels for this",
        "machine's CPU (the real layer's native extensions are for arm64). The artifacts are those in build/",
        f"(`make bench` rebuilds them first). Median/min of {RUNS} CPU times after one untimed round, as above.",
        "'modules without .pyc': modules the import compiled from source (every cold start would, again); 0 when",
        "the build shipped bytecode.",
        *PAUSED_NOTES,
    ]
    return render(title, headers, rows, notes)


def run() -> list[str]:
    return [*dev_tables(), deployed_table()]
