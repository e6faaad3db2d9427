"""Synthesizes NioChatStack once per session as `cdk synth` does (cdk.json's build hook first, so the assets in
build/ are fresh; cdk-nag on) for every infra test."""

from __future__ import annotations

import fcntl
import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, CfnResource, Stack
from aws_cdk.assertions import Template
from constructs import IConstruct

from infra.app import build
from infra.components.paths import ROOT
from infra.stack import NioChatStack


@dataclass(frozen=True)
class Synth:
    stack: NioChatStack
    template: Template
    outdir: Path

    @cached_property
    def json(self) -> dict[str, Any]:
        """The template as a dict, rendered once: each `Template.to_json()` is a round trip to jsii (~0.5 s)."""
        return self.template.to_json()

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return self.json["Resources"]

    def of_type(self, cfn_type: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.resources.items() if v["Type"] == cfn_type}

    def logical_id(self, construct: IConstruct) -> str:
        resource = construct if isinstance(construct, CfnResource) else construct.node.default_child
        assert isinstance(resource, CfnResource), construct.node.path
        return Stack.of(construct).get_logical_id(resource)

    def function_id(self, name: str) -> str:
        return self.logical_id(self.stack.functions[name])


def refs(value: Any) -> set[str]:
    """Every logical id a template value points at through Ref or Fn::GetAtt (pseudo parameters left out)."""
    found: set[str] = set()
    if isinstance(value, dict):
        if "Ref" in value and not value["Ref"].startswith("AWS::"):
            found.add(value["Ref"])
        if "Fn::GetAtt" in value:
            found.add(value["Fn::GetAtt"][0])
        for item in value.values():
            found |= refs(item)
    elif isinstance(value, list):
        for item in value:
            found |= refs(item)
    return found


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synth]:
    hook = json.loads((ROOT / "cdk.json").read_text())["build"]
    # e.g. `make -s build`: a no-op when nothing changed. One build at a time: pytest-xdist workers would
    # otherwise rebuild the same folders over each other.
    (ROOT / "build").mkdir(exist_ok=True)
    with (ROOT / "build" / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(hook, shell=True, cwd=ROOT, check=True)
    outdir = tmp_path_factory.mktemp("cdk.out")
    _, stack = build(App(outdir=str(outdir)))
    # Synthesizes the app: cdk-nag runs here and a finding that is neither fixed nor acknowledged raises.
    template = Template.from_stack(stack)
    yield Synth(stack=stack, template=template, outdir=outdir)
