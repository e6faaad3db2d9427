"""Where the stack's assets live, resolved from the repository root so synth works from any directory."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR = ROOT / "functions"
COMMON_LAYER_DIR = ROOT / "layers" / "common"
DEPS_LAYER_DIR = ROOT / "build" / "layer-deps"
# Written by the Makefile's `layer` target once pip has finished: a half-built folder has no marker.
DEPS_LAYER_MARKER = DEPS_LAYER_DIR / ".built"

# Never ship bytecode compiled by the build machine's interpreter, nor packaging leftovers.
ASSET_EXCLUDES: list[str] = ["__pycache__", "*.pyc", "*.egg-info", ".built", "requirements.txt"]


class MissingAssetError(RuntimeError):
    """An asset folder the stack needs is absent; the message says which command builds it."""


def require_deps_layer() -> Path:
    if not DEPS_LAYER_MARKER.is_file():
        raise MissingAssetError(
            f"The dependency layer {DEPS_LAYER_DIR.relative_to(ROOT)} is missing or incomplete: "
            "run `make layer` first (it pip-installs layers/common/requirements.txt for python3.12/arm64)."
        )
    return DEPS_LAYER_DIR


def require_function(name: str) -> Path:
    folder = FUNCTIONS_DIR / name
    if not (folder / "app.py").is_file():
        raise MissingAssetError(
            f"infra/routes.py names the function {name!r} but functions/{name}/app.py does not exist: "
            "add the function (its app.py must define lambda_handler) or remove it from the route table."
        )
    return folder
