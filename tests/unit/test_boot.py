"""niochat.boot, every function's Lambda handler: it hands over the function's own lambda_handler, imported with
garbage collection paused, and leaves the collector as it found it, whether the import succeeds or fails."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter with the function's folder first on sys.path, as Lambda's runtime imports the handler.
PROBE = """
import gc, json, sys
sys.path.insert(0, {folder!r})
{before}
outcome = {{}}
try:
    import niochat.boot as boot
    import app
    outcome["same_handler"] = boot.lambda_handler is app.lambda_handler
    outcome["answer"] = boot.lambda_handler({{}}, None)
    outcome["collected_during_import"] = app.COLLECTIONS_DURING_IMPORT
except RuntimeError as error:
    outcome["error"] = str(error)
outcome["enabled"] = gc.isenabled()
outcome["frozen"] = gc.get_freeze_count()
print(json.dumps(outcome))
"""

APP = """
import gc

COLLECTIONS_DURING_IMPORT = 0


def _count(phase, info):
    global COLLECTIONS_DURING_IMPORT
    if phase == "start":
        COLLECTIONS_DURING_IMPORT += 1


gc.callbacks.append(_count)
# Enough cyclic garbage to trigger many generation-0 collections if the collector were running.
for _ in range(50_000):
    node = []
    node.append(node)
gc.callbacks.remove(_count)
{fail}


def lambda_handler(event, context):
    return {{"statusCode": 200}}
"""


def _boot(tmp_path: Path, before: str = "", fail: str = "") -> dict:
    (tmp_path / "app.py").write_text(APP.format(fail=fail))
    source = PROBE.format(folder=str(tmp_path), before=before)
    done = subprocess.run([sys.executable, "-c", source], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_boot_hands_over_the_functions_handler_imported_without_collections(tmp_path: Path) -> None:
    outcome = _boot(tmp_path)
    assert outcome["same_handler"] is True
    assert outcome["answer"] == {"statusCode": 200}
    assert outcome["collected_during_import"] == 0
    assert outcome["enabled"] is True
    assert outcome["frozen"] > 1000  # what the imports created: out of later collections' way


def test_boot_leaves_a_disabled_collector_disabled(tmp_path: Path) -> None:
    outcome = _boot(tmp_path, before="gc.disable()")
    assert outcome["same_handler"] is True
    assert outcome["enabled"] is False


@pytest.mark.parametrize("before", ["", "gc.disable()"])
def test_a_failing_import_raises_and_restores_the_collector(tmp_path: Path, before: str) -> None:
    outcome = _boot(tmp_path, before=before, fail='raise RuntimeError("no table name")')
    assert outcome["error"] == "no table name"
    assert outcome["enabled"] is (before == "")


def test_every_function_loads_through_boot(tmp_path: Path) -> None:
    """The handler string Lambda resolves: module niochat.boot (in the common layer), attribute lambda_handler."""
    from infra.components import functions

    module, attribute = functions.HANDLER.rsplit(".", 1)
    assert (ROOT / "layers" / "common" / "python" / Path(*module.split("."))).with_suffix(".py").is_file()
    assert attribute == "lambda_handler"
