"""Fresh interpreters that each perform one import (the floor's, or a handler module's) with the
environment a function has on Lambda: timed, profiled with -X importtime, or probed for side effects.

Two kinds: the dev venv's Python importing from the source tree (bytecode caches written by an untimed first
round), and CPython 3.12 importing from the built artifacts in build/ as Lambda lays them out, writing no
bytecode (Lambda's file system is read-only), so a module shipped without its .pyc is compiled every time."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench import env
from infra.components import paths
from infra.routes import functions

ROOT = Path(__file__).resolve().parents[1]
MARKER = "--bench-import-start--"
FLOOR = "floor"
# Not the floor, shown beside it: the floor plus the objects every REST handler module creates at import.
FLOOR_OBJECTS = "floor+objects"
# Not the floor either: the floor's imports with garbage collection paused as niochat.boot pauses it.
FLOOR_PAUSED = "floor-gc-paused"
# The deps layer as built for this machine's CPU (the real one's native extensions are for arm64 Lambda).
HOST_DEPS_LAYER_DIR = paths.BUILD_DIR / "layer-deps-host"

FLOOR_IMPORTS = """
import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
"""

OBJECTS = """
from niochat.tracing import LazyTracer
Logger(), LazyTracer(), Metrics(), APIGatewayRestResolver()
"""

# As Lambda's runtime imports the handler (infra/components/functions.py HANDLER): niochat.boot, which imports
# the function's `app` from its folder (/var/task, first on sys.path) with garbage collection paused.
HANDLER_IMPORT = """
import importlib
importlib.import_module("niochat.boot")
"""
# The floor's imports under the same pause, for comparison (not a target).
FLOOR_PAUSED_IMPORTS = f"""
import gc
gc.disable()
{FLOOR_IMPORTS}
gc.freeze()
gc.enable()
"""

# Times the import (CPU time of the process, and wall time); the marker splits interpreter start-up from
# the import in -X importtime output. Then, untimed: how many of the modules imported have no bytecode file
# (each was compiled from source by this import, and is again by every cold start).
TIMED = """
import sys, time
sys.path[:0] = {path!r}
sys.stderr.write({marker!r} + "\\n"); sys.stderr.flush()
cpu, wall = time.process_time(), time.perf_counter()
{load}
cpu, wall = (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000
import importlib.util, os
files = [getattr(m, "__file__", None) or "" for m in list(sys.modules.values())]
from_source = sum(1 for f in files if f.endswith(".py") and not os.path.exists(importlib.util.cache_from_source(f)))
sys.stdout.write(f"{{cpu}} {{wall}} {{from_source}}")
"""

# Records what the import does besides importing: clients created, sockets connected, files opened.
PROBE = """
import builtins, json, socket, sys
sys.path[:0] = {path!r}
seen = []
def connect(self, address):
    seen.append(f"socket connect {{address}}")
    raise ConnectionRefusedError("bench: no network at import time")
socket.socket.connect = connect
_open = builtins.open
def open_(file, *args, **kwargs):
    seen.append(f"open {{file}}")
    return _open(file, *args, **kwargs)
builtins.open = open_
import botocore.session
_create = botocore.session.Session.create_client
def create_client(self, service_name, *args, **kwargs):
    seen.append(f"boto3 client {{service_name}}")
    return _create(self, service_name, *args, **kwargs)
botocore.session.Session.create_client = create_client
{load}
sys.stdout.write(json.dumps(seen))
"""


class ImportFailed(Exception):
    pass


@dataclass(frozen=True)
class Interpreter:
    """How each fresh process starts."""

    argv: tuple[str, ...]
    # False as on Lambda's read-only file system; True writes caches (PYTHONDONTWRITEBYTECODE is dropped).
    write_bytecode: bool


DEV = Interpreter((sys.executable,), write_bytecode=True)


def deployed_interpreter(python: str) -> Interpreter:
    """`python` isolated from the environment and its own site-packages (-I -S), writing no bytecode (-B)."""
    return Interpreter((python, "-I", "-S", "-B"), write_bytecode=False)


@dataclass(frozen=True)
class Target:
    name: str
    load: str  # Python source that performs the import
    interpreter: Interpreter = DEV
    path: tuple[str, ...] = ()  # put first on sys.path before the import

    @property
    def function(self) -> str | None:
        return None if self.name in (FLOOR, FLOOR_OBJECTS, FLOOR_PAUSED) else self.name


@dataclass(frozen=True)
class Timing:
    cpu_ms: float
    wall_ms: float
    from_source: int  # modules imported that have no bytecode file


def targets() -> tuple[list[Target], list[str]]:
    """The floor, the floor with objects, and each function with a handler module; and the functions
    that have none yet."""
    found = [Target(FLOOR, FLOOR_IMPORTS), Target(FLOOR_OBJECTS, FLOOR_IMPORTS + OBJECTS)]
    found.append(Target(FLOOR_PAUSED, FLOOR_PAUSED_IMPORTS))
    missing = []
    for name in functions():
        folder = ROOT / "functions" / name
        if (folder / "app.py").exists():
            found.append(Target(name, HANDLER_IMPORT, path=(str(folder),)))
        else:
            missing.append(name)
    return found, missing


def python312() -> str | None:
    """The CPython 3.12 the build compiles with: $PYTHON312 (`make bench` passes the Makefile's), else
    python3.12 on PATH; None when neither is a 3.12."""
    python = os.environ.get("PYTHON312") or shutil.which("python3.12")
    if not python:
        return None
    check = "import sys; sys.exit(sys.version_info[:2] != (3, 12))"
    return python if subprocess.run([python, "-c", check], capture_output=True).returncode == 0 else None


def deployed_targets() -> tuple[list[Target], str | None]:
    """The floor and each function, imported from build/ as Lambda lays them out: the function's folder
    first (/var/task), then the layers (/opt/python); or why that can't be done."""
    python = python312()
    if python is None:
        return [], "no CPython 3.12 (set PYTHON312 or run `make bench`)"
    folders = [paths.FUNCTIONS_BUILD_DIR, paths.COMMON_LAYER_DIR, HOST_DEPS_LAYER_DIR]
    unbuilt = [f.relative_to(ROOT) for f in folders if not (f / paths.MARKER).is_file()]
    if unbuilt:
        return [], f"not built: {', '.join(map(str, unbuilt))} (run `make bench`, which builds them)"
    interpreter = deployed_interpreter(python)
    layers = (str(paths.COMMON_LAYER_DIR / "python"), str(HOST_DEPS_LAYER_DIR / "python"))
    found = [Target(FLOOR, FLOOR_IMPORTS, interpreter, layers)]
    found.append(Target(FLOOR_PAUSED, FLOOR_PAUSED_IMPORTS, interpreter, layers))
    for name in functions():
        task = paths.FUNCTIONS_BUILD_DIR / name
        if (task / "app.py").exists():
            found.append(Target(name, HANDLER_IMPORT, interpreter, (str(task), *layers)))
    return found, None


def _run(source: str, target: Target, importtime: bool = False) -> subprocess.CompletedProcess[str]:
    interpreter = target.interpreter
    args = [*interpreter.argv, *(["-X", "importtime"] if importtime else []), "-c", source]
    child_env = env.lambda_env(target.function)
    if interpreter.write_bytecode:
        child_env.pop("PYTHONDONTWRITEBYTECODE", None)
    proc = subprocess.run(args, cwd=ROOT, env=child_env, capture_output=True, text=True)
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.splitlines() if line.strip() and not line.startswith("import time:")]
        raise ImportFailed(lines[-1] if lines else f"exit {proc.returncode}")
    return proc


def _timed(target: Target) -> str:
    return TIMED.format(path=list(target.path), marker=MARKER, load=target.load)


def time_import(target: Target) -> Timing:
    """CPU ms, wall-clock ms and modules compiled from source of the import in a fresh interpreter."""
    cpu, wall, from_source = _run(_timed(target), target).stdout.split()
    return Timing(float(cpu), float(wall), int(from_source))


def importtime_lines(target: Target) -> list[str]:
    """The -X importtime lines of the import alone (after interpreter start-up)."""
    lines = _run(_timed(target), target, importtime=True).stderr.splitlines()
    start = lines.index(MARKER) + 1 if MARKER in lines else 0
    return [line for line in lines[start:] if line.startswith("import time:") and "self [us]" not in line]


def side_effects(target: Target) -> list[str]:
    """boto3 clients created, sockets connected and files open()ed during the import, in order."""
    return json.loads(_run(PROBE.format(path=list(target.path), load=target.load), target).stdout)
