"""What a function's import loads (its cold start, issue 19): heavy libraries only where a route needs them, on
first use; pydantic only in the functions that validate request models."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from infra.routes import functions

ROOT = Path(__file__).resolve().parents[2]
# Imported by the code that calls them, on first use: never by a handler module's import.
ON_FIRST_USE = ("httpx", "openai", "phonenumbers", "aws_xray_sdk")
# Functions with no pydantic request model: their import must not pay for pydantic (~55 ms of CPU).
WITHOUT_MODELS = ("system", "auth", "docs", "webhooks", "ws", "stream", "timers")


def _imported(name: str) -> set[str]:
    """The top-level packages in sys.modules after importing functions/<name>/app.py in a fresh interpreter."""
    source = f"""
import importlib.util, json, sys
sys.path[:0] = [{str(ROOT / "functions" / name)!r}]
spec = importlib.util.spec_from_file_location("app", {str(ROOT / "functions" / name / "app.py")!r})
module = importlib.util.module_from_spec(spec)
sys.modules["app"] = module
spec.loader.exec_module(module)
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}})))
"""
    done = subprocess.run([sys.executable, "-c", source], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


@pytest.fixture(scope="module")
def imported() -> dict[str, set[str]]:
    with ThreadPoolExecutor(max_workers=4) as pool:  # one interpreter per function, a few at a time
        return dict(zip(functions(), pool.map(_imported, functions()), strict=True))


@pytest.mark.parametrize("name", functions())
def test_no_function_imports_a_library_its_routes_load_on_first_use(imported: dict[str, set[str]], name: str) -> None:
    assert imported[name] & set(ON_FIRST_USE) == set()


@pytest.mark.parametrize("name", WITHOUT_MODELS)
def test_functions_without_request_models_never_import_pydantic(imported: dict[str, set[str]], name: str) -> None:
    assert "pydantic" not in imported[name] and "pydantic_core" not in imported[name]
