"""The app as `cdk synth` runs it: cdk-nag passes, and a missing build step is named, not a stack trace."""

from __future__ import annotations

import json

import pytest
from aws_cdk import App

from infra import app as cdk_app
from infra.components import paths
from tests.infra.conftest import Synth

pytestmark = pytest.mark.infra


def test_cdk_nag_ran_and_every_finding_is_fixed_or_acknowledged(synth: Synth) -> None:
    report = json.loads((synth.outdir / "validation-report.json").read_text())
    [nag] = [r for r in report["pluginReports"] if r["pluginName"] == "AwsSolutions"]
    assert nag["conclusion"] == "success"
    assert nag["violations"] == []
    assert nag["suppressedViolations"]  # the acknowledgments were read, with their reasons


def test_missing_dependency_layer_says_run_make_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pytest.TempPathFactory
) -> None:
    monkeypatch.setattr(paths, "DEPS_LAYER_MARKER", tmp_path / "absent" / ".built")
    with pytest.raises(paths.MissingAssetError, match="run `make build` first"):
        cdk_app.build(App(outdir=str(tmp_path)))
