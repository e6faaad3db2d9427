"""The layer rules of ../shared/DESIGN.md ("dependencies point one way: down"), checked on the source.

Every import statement counts wherever it is: at module level, inside a function (a lazy import), under
`if TYPE_CHECKING:`, and `importlib.import_module("...")` / `__import__("...")` with a literal name.
- functions/ never import boto3 or botocore: AWS clients belong to the store;
- niochat/domain/ imports no boto3, botocore, httpx or os: entities and rules are pure;
- niochat/store/ imports from niochat only the domain, settings, clock, errors and the store itself,
  never a service package.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ROOT / "layers/common/python"  # where `niochat` is importable from

FUNCTIONS_NEVER_IMPORT = ("boto3", "botocore")
DOMAIN_NEVER_IMPORTS = ("boto3", "botocore", "httpx", "os")
# The only parts of niochat the store may import (each with its submodules); anything else of niochat is refused,
# so a service package added later is refused too.
STORE_MAY_IMPORT = ("niochat.domain", "niochat.settings", "niochat.clock", "niochat.errors", "niochat.store")


@dataclass(frozen=True)
class Import:
    line: int
    module: str  # the absolute dotted name loaded (for `from a import b`: "a.b", b a module or a name of a)
    statement: str  # as written, for the failure message


def _under(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


# The service packages of niochat, every package but those the store may import: each must be refused by the rule
# above (checked below), so one added later is checked too.
SERVICE_PACKAGES = tuple(
    f"niochat.{init.parent.name}"
    for init in sorted((PACKAGES / "niochat").glob("*/__init__.py"))
    if not _under(f"niochat.{init.parent.name}", STORE_MAY_IMPORT)
)


def _module_name(path: Path, base: Path) -> str:
    """The dotted name a file under `base` is imported as (a package's for its __init__.py)."""
    parts = list(path.relative_to(base).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(source: str, module: str, is_package: bool = False) -> list[Import]:
    """Every import in `source`, the code of `module`, with relative imports made absolute; in line order."""
    return sorted(_imports(source, module, is_package), key=lambda i: i.line)


def _imports(source: str, module: str, is_package: bool) -> Iterator[Import]:
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    lines = source.splitlines()

    def written(node: ast.stmt | ast.expr) -> str:
        end = node.end_lineno or node.lineno
        return " ".join(" ".join(lines[node.lineno - 1 : end]).split())

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(node.lineno, alias.name, written(node))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: `from . import x` in niochat/store/a.py is niochat.store.x
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                yield Import(node.lineno, base if alias.name == "*" else f"{base}.{alias.name}", written(node))
        elif isinstance(node, ast.Call) and node.args:
            func, first = node.func, node.args[0]
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            literal = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
            if name in ("import_module", "__import__") and literal is not None:
                yield Import(node.lineno, literal, written(node))


def functions_rule(module: str) -> bool:
    return _under(module, FUNCTIONS_NEVER_IMPORT)


def domain_rule(module: str) -> bool:
    return _under(module, DOMAIN_NEVER_IMPORTS)


def store_rule(module: str) -> bool:
    return _under(module, ("niochat",)) and not _under(module, STORE_MAY_IMPORT)


# rule → (the folder it covers, what its files' module names are relative to, what it refuses)
RULES: dict[str, tuple[Path, Path, Callable[[str], bool]]] = {
    "functions-no-boto3": (ROOT / "functions", ROOT, functions_rule),
    "domain-pure": (PACKAGES / "niochat/domain", PACKAGES, domain_rule),
    "store-no-service": (PACKAGES / "niochat/store", PACKAGES, store_rule),
}


def violations(folder: Path, base: Path, refused: Callable[[str], bool]) -> tuple[int, list[str]]:
    """How many files the rule read, and `path:line: statement` for each refused import."""
    files = sorted(folder.rglob("*.py"))
    found = []
    for path in files:
        source = path.read_text(encoding="utf-8")
        for item in imports(source, _module_name(path, base), path.name == "__init__.py"):
            if refused(item.module):
                shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                found.append(f"{shown}:{item.line}: {item.statement}")
    return len(files), found


@pytest.mark.parametrize("rule", list(RULES))
def test_layer_rule(rule):
    folder, base, refused = RULES[rule]
    read, found = violations(folder, base, refused)
    assert read > 0, f"{rule}: no .py file under {folder} (moved? update the test)"
    assert not found, f"{rule}, broken by:\n" + "\n".join(found)


# The checker itself: a rule that finds nothing must be because nothing is there.


def _refused(source: str, module: str, rule: Callable[[str], bool]) -> list[tuple[int, str]]:
    return [(i.line, i.module) for i in imports(source, module) if rule(i.module)]


def test_the_checker_reports_boto3_in_a_function():
    assert _refused("import json\nimport boto3\n", "functions.auth.app", functions_rule) == [(2, "boto3")]


def test_the_checker_reports_lazy_aliased_and_from_imports():
    source = (
        "def handler():\n"
        "    import boto3 as b\n"
        "    from botocore.exceptions import ClientError\n"
        "    from boto3 import client\n"
        "    importlib.import_module('boto3.session')\n"
    )
    assert _refused(source, "functions.auth.app", functions_rule) == [
        (2, "boto3"),
        (3, "botocore.exceptions.ClientError"),
        (4, "boto3.client"),
        (5, "boto3.session"),
    ]


def test_the_checker_reports_os_in_the_domain_but_not_lookalikes():
    source = "import os.path\nfrom os import environ\nimport ossaudiodev\nimport httpxyz\nimport httpx\n"
    assert _refused(source, "niochat.domain.users", domain_rule) == [(1, "os.path"), (2, "os.environ"), (5, "httpx")]


def test_the_service_packages_are_found_on_disk():
    assert {"niochat.auth", "niochat.conversations", "niochat.webhooks", "niochat.timers"} <= set(SERVICE_PACKAGES)


@pytest.mark.parametrize("service", SERVICE_PACKAGES)
def test_the_checker_refuses_every_service_package_in_the_store(service):
    short = service.removeprefix("niochat.")
    source = f"import {service}.x\nfrom niochat import {short}\nfrom .. import {short}\n"
    assert _refused(source, "niochat.store.users", store_rule) == [
        (1, f"{service}.x"),
        (2, service),
        (3, service),
    ]


def test_the_checker_lets_the_store_import_its_allowed_parts():
    source = (
        "from niochat import clock, errors, settings\n"
        "from niochat.domain.users import User\n"
        "from niochat.store import keys\n"
        "from . import counters\n"
        "from .table import table\n"
    )
    assert _refused(source, "niochat.store.users", store_rule) == []


def test_a_violation_in_a_file_is_reported_with_its_path_line_and_statement(tmp_path):
    app = tmp_path / "functions" / "auth" / "app.py"
    app.parent.mkdir(parents=True)
    app.write_text("import json\n\n\ndef handler(event, context):\n    from boto3 import (\n        client,\n    )\n")
    assert violations(tmp_path / "functions", tmp_path, functions_rule) == (
        1,
        [f"{app}:5: from boto3 import ( client, )"],
    )
