"""Where the stack's assets live, resolved from the repository root so synth works from any directory.

Every Lambda asset is a folder the Makefile's `build` target writes under build/ (cdk.json runs it before each
synth): copies of the sources with bytecode compiled by CPython 3.12, the Lambda runtime's Python. Each is complete
once its `.built` marker exists. The console's asset is console/dist, the web app's production build (`make
console`, part of `make build`), complete once its index.html exists."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD_DIR = ROOT / "build"
FUNCTIONS_DIR = ROOT / "functions"
FUNCTIONS_BUILD_DIR = BUILD_DIR / "functions"
COMMON_LAYER_DIR = BUILD_DIR / "common-layer"
DEPS_LAYER_DIR = BUILD_DIR / "layer-deps"
MARKER = ".built"
DEPS_LAYER_MARKER = DEPS_LAYER_DIR / MARKER
# The agents' console (console/): what the CloudFront site serves (infra/components/console.py).
CONSOLE_DIST = ROOT / "console" / "dist"
CONSOLE_INDEX = "index.html"

# The markers are the build's, not the functions'.
ASSET_EXCLUDES: list[str] = [MARKER]


class MissingAssetError(RuntimeError):
    """An asset folder the stack needs is absent; the message says which command builds it."""


def _built(folder: Path, marker: Path) -> Path:
    if not marker.is_file():
        raise MissingAssetError(
            f"{folder.relative_to(ROOT)} is missing or incomplete: run `make build` first (it builds every Lambda "
            "asset into build/, with bytecode compiled by CPython 3.12)."
        )
    return folder


def require_deps_layer() -> Path:
    return _built(DEPS_LAYER_DIR, DEPS_LAYER_MARKER)


def require_common_layer() -> Path:
    return _built(COMMON_LAYER_DIR, COMMON_LAYER_DIR / MARKER)


def require_function(name: str) -> Path:
    if not (FUNCTIONS_DIR / name / "app.py").is_file():
        raise MissingAssetError(
            f"infra/routes.py names the function {name!r} but functions/{name}/app.py does not exist: "
            "add the function (its app.py must define lambda_handler) or remove it from the route table."
        )
    built = _built(FUNCTIONS_BUILD_DIR, FUNCTIONS_BUILD_DIR / MARKER) / name
    if not (built / "app.py").is_file():
        raise MissingAssetError(f"{built.relative_to(ROOT)} is not built yet: run `make build` first.")
    return built


def require_console() -> Path:
    if not (CONSOLE_DIST / CONSOLE_INDEX).is_file():
        raise MissingAssetError(
            f"{CONSOLE_DIST.relative_to(ROOT)}/{CONSOLE_INDEX} is missing: run `make build` first (its `console` "
            "step builds the web app into console/dist)."
        )
    return CONSOLE_DIST
