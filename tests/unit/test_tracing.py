"""LazyTracer: the X-Ray SDK is imported by the first traced invocation, never by a function's import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest

from infra.routes import functions
from niochat import tracing
from niochat.tracing import LazyTracer, tracing_enabled

ROOT = Path(__file__).resolve().parents[2]
# What Lambda sets for an invocation under active tracing.
LAMBDA = {
    "LAMBDA_TASK_ROOT": "/var/task",
    "AWS_LAMBDA_FUNCTION_NAME": "niochat-test",
    "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
}
XRAY_MODULES = "sorted(m for m in sys.modules if m.split('.')[0] == 'aws_xray_sdk')"


def _python(source: str, **env: str | None) -> Any:
    """Runs `source` in a fresh interpreter with the test environment changed by `env` (None unsets);
    returns the JSON it prints last."""
    child = {k: v for k, v in os.environ.items() if env.get(k, "") is not None}
    child.update({k: v for k, v in env.items() if v is not None})
    done = subprocess.run([sys.executable, "-c", source], cwd=ROOT, env=child, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_no_function_imports_the_xray_sdk_even_with_tracing_on() -> None:
    paths = [str(ROOT / "functions" / name / "app.py") for name in functions()]
    source = f"""
import importlib.util, json, sys
for index, path in enumerate({paths!r}):
    spec = importlib.util.spec_from_file_location(f"function_{{index}}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
print(json.dumps({XRAY_MODULES}))
"""
    assert _python(source, POWERTOOLS_TRACE_DISABLED=None, **LAMBDA) == []


def test_an_untraced_invocation_never_imports_the_xray_sdk() -> None:
    source = f"""
import json, sys
from niochat.tracing import LazyTracer
tracer = LazyTracer()

@tracer.capture_lambda_handler
def handler(event, context):
    return {{"echo": event}}

answer = handler("ping", None)
print(json.dumps([answer, {XRAY_MODULES}]))
"""
    assert _python(source, POWERTOOLS_TRACE_DISABLED="true", **LAMBDA) == [{"echo": "ping"}, []]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, True),
        ({"POWERTOOLS_TRACE_DISABLED": "true"}, False),
        ({"POWERTOOLS_TRACE_DISABLED": "0"}, True),
        ({"LAMBDA_TASK_ROOT": None}, False),  # not in Lambda: no X-Ray daemon to send to
        ({"_X_AMZN_TRACE_ID": None}, False),  # no active tracing for this invocation
        ({"AWS_SAM_LOCAL": "true"}, False),
    ],
)
def test_tracing_enabled(monkeypatch: pytest.MonkeyPatch, env: dict[str, str | None], expected: bool) -> None:
    monkeypatch.delenv("POWERTOOLS_TRACE_DISABLED", raising=False)
    for name, value in {**LAMBDA, **env}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert tracing_enabled() is expected


class FakeTracer:
    """Stands in for the Powertools Tracer: records how it was made and what it wrapped."""

    made: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, **options: Any) -> None:
        self.made.append(options)

    def capture_lambda_handler(self, handler: Any, **options: Any) -> Any:
        def traced(event: Any, context: Any) -> Any:
            return {"traced": handler(event, context), "options": options}

        return traced


def test_the_first_traced_invocation_makes_the_tracer_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tracing, "Tracer", FakeTracer)
    monkeypatch.setattr(FakeTracer, "made", [])
    monkeypatch.setattr(tracing, "tracing_enabled", lambda: True)
    tracer = LazyTracer(service="payments")

    @tracer.capture_lambda_handler(capture_response=False)
    def handler(event: Any, context: Any) -> Any:
        return event

    assert FakeTracer.made == []  # decorating makes nothing
    assert handler.__name__ == "handler"
    first, second = handler(1, None), handler(2, None)
    assert first == {"traced": 1, "options": {"capture_response": False, "capture_error": None}}
    assert second["traced"] == 2
    assert FakeTracer.made == [{"service": "payments"}]
    assert isinstance(tracer.tracer, FakeTracer)


def test_untraced_first_invocation_runs_the_plain_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tracing, "Tracer", FakeTracer)
    monkeypatch.setattr(FakeTracer, "made", [])
    monkeypatch.setattr(tracing, "tracing_enabled", lambda: False)
    tracer = LazyTracer()

    @tracer.capture_lambda_handler
    def handler(event: Any, context: Any) -> Any:
        return event

    assert handler("plain", None) == "plain"
    assert FakeTracer.made == []
    assert tracer.tracer is None
