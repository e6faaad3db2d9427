"""Fresh interpreters that each perform one import (the floor's, or a handler module's) with the
environment a function has on Lambda: timed, profiled with -X importtime, or probed for side effects."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench import env
from infra.routes import functions

ROOT = Path(__file__).resolve().parents[1]
MARKER = "--bench-import-start--"
FLOOR = "floor"
# Not the floor, shown beside it: the floor plus the objects every REST handler module creates at import.
FLOOR_OBJECTS = "floor+objects"

FLOOR_IMPORTS = """
import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
"""

OBJECTS = """
Logger(), Tracer(), Metrics(), APIGatewayRestResolver()
"""

HANDLER_IMPORT = """
import importlib.util
spec = importlib.util.spec_from_file_location({module!r}, {path!r})
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module
spec.loader.exec_module(module)
"""

# Times the import (CPU time of the process, and wall time); the marker splits interpreter start-up from
# the import in -X importtime output.
TIMED = """
import sys, time
sys.stderr.write({marker!r} + "\\n"); sys.stderr.flush()
cpu, wall = time.process_time(), time.perf_counter()
{load}
sys.stdout.write(f"{{(time.process_time() - cpu) * 1000}} {{(time.perf_counter() - wall) * 1000}}")
"""

# Records what the import does besides importing: clients created, sockets connected, files opened.
PROBE = """
import builtins, json, socket, sys
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
class Target:
    name: str
    load: str  # Python source that performs the import

    @property
    def function(self) -> str | None:
        return None if self.name in (FLOOR, FLOOR_OBJECTS) else self.name


def targets() -> tuple[list[Target], list[str]]:
    """The floor, the floor with objects, and each function with a handler module; and the functions
    that have none yet."""
    found = [Target(FLOOR, FLOOR_IMPORTS), Target(FLOOR_OBJECTS, FLOOR_IMPORTS + OBJECTS)]
    missing = []
    for name in functions():
        path = ROOT / "functions" / name / "app.py"
        if path.exists():
            found.append(Target(name, HANDLER_IMPORT.format(module=f"bench_cold_{name}", path=str(path))))
        else:
            missing.append(name)
    return found, missing


def _run(source: str, target: Target, importtime: bool = False) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, *(["-X", "importtime"] if importtime else []), "-c", source]
    proc = subprocess.run(args, cwd=ROOT, env=env.lambda_env(target.function), capture_output=True, text=True)
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.splitlines() if line.strip() and not line.startswith("import time:")]
        raise ImportFailed(lines[-1] if lines else f"exit {proc.returncode}")
    return proc


def time_import(target: Target) -> tuple[float, float]:
    """(CPU ms, wall-clock ms) the import takes in a fresh interpreter."""
    cpu, wall = _run(TIMED.format(marker=MARKER, load=target.load), target).stdout.split()
    return float(cpu), float(wall)


def importtime_lines(target: Target) -> list[str]:
    """The -X importtime lines of the import alone (after interpreter start-up)."""
    lines = _run(TIMED.format(marker=MARKER, load=target.load), target, importtime=True).stderr.splitlines()
    start = lines.index(MARKER) + 1 if MARKER in lines else 0
    return [line for line in lines[start:] if line.startswith("import time:") and "self [us]" not in line]


def side_effects(target: Target) -> list[str]:
    """boto3 clients created, sockets connected and files open()ed during the import, in order."""
    return json.loads(_run(PROBE.format(load=target.load), target).stdout)
