"""Synthesizes the CDK app once per session (jsii is slow): the dev, prod and local (sam) stages of
the default city side by side, with the dependencies layer's bundling skipped, and exposes the templates."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, CfnElement, Stack
from constructs import IConstruct

from infra import names, stage_config
from infra.application import Deployment, create_app

ACCOUNT = "123456789012"


@dataclass
class Synth:
    app: App
    outdir: Path
    deployments: dict[str, Deployment]  # by stage
    logical_ids: dict[str, dict[str, str]]  # stage -> function key -> logical id
    _templates: dict[str, Any] = field(default_factory=dict)

    def template_json(self, stack_name: str) -> dict[str, Any]:
        if stack_name not in self._templates:
            self._templates[stack_name] = json.loads((self.outdir / f"{stack_name}.template.json").read_text())
        return self._templates[stack_name]

    def main(self, stage: str) -> dict[str, Any]:
        return self.template_json(self.deployments[stage].main.stack_name)

    def edge(self, stage: str) -> dict[str, Any]:
        return self.template_json(self.deployments[stage].edge.stack_name)

    @cached_property
    def report(self) -> dict[str, Any]:
        return json.loads((self.outdir / "validation-report.json").read_text())

    def template_files(self) -> list[Path]:
        return sorted(self.outdir.glob("*.template.json"))

    def acknowledgments(self) -> dict[str, dict[str, str]]:
        """construct path -> {finding id: reason}, from the stacks' metadata in the cloud assembly."""
        found: dict[str, dict[str, str]] = {}
        for metadata_file in self.outdir.glob("*.metadata.json"):
            for path, entries in json.loads(metadata_file.read_text()).items():
                for entry in entries:
                    if entry["type"] == "aws:cdk:acknowledged-rules":
                        found.setdefault(path, {}).update(entry["data"])
        return found


def cdk_json_context() -> dict[str, Any]:
    """The feature flags and defaults of cdk.json, so the tests synthesize what the CLI does."""
    context: dict[str, Any] = json.loads(names.CDK_JSON.read_text())["context"]
    return context


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    outdir = tmp_path_factory.mktemp("cdk.out")
    os.environ.setdefault("AWS_DEFAULT_REGION", "ap-northeast-1")
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    context = {
        **cdk_json_context(),
        names.BUNDLING_STACKS_CONTEXT: [],
        # As the CLI does: templates name their assets, so tests can inspect what gets packaged.
        "aws:cdk:enable-asset-metadata": True,
        # Report cdk-nag findings in validation-report.json (asserted by test_nag) instead of
        # raising inside this fixture, where every test would fail with the same message.
        "@aws-cdk/core:failSynthOnValidationErrors": False,
    }
    # local: the stage `make sam-api` runs (local_endpoints), linted and checked like the others.
    configs = [stage_config.load({"stage": stage, "account": ACCOUNT}) for stage in ("dev", "prod", "local")]
    app, deployments = create_app(context, configs, outdir=str(outdir))
    app.synth()
    by_stage = {d.config.stage: d for d in deployments}
    logical_ids = {
        stage: {key: logical_id(function) for key, function in d.main.functions.by_key.items()}
        for stage, d in by_stage.items()
    }
    return Synth(app=app, outdir=outdir, deployments=by_stage, logical_ids=logical_ids)


def logical_id(construct: IConstruct) -> str:
    """The logical id of a construct's CloudFormation resource in its stack's template."""
    stack = Stack.of(construct)
    element = construct if isinstance(construct, CfnElement) else construct.node.default_child
    assert isinstance(element, CfnElement), construct.node.path
    return str(stack.resolve(stack.get_logical_id(element)))


def resources(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == resource_type}


def only(template: dict[str, Any], resource_type: str) -> dict[str, Any]:
    found = list(resources(template, resource_type).values())
    assert len(found) == 1, f"expected one {resource_type}, found {len(found)}"
    return found[0]


def render(value: Any) -> Any:
    """A template value with every intrinsic replaced by a plausible dummy string, as AWS would
    substitute real names at deploy time (used to validate environments against config models)."""
    if isinstance(value, dict) and len(value) == 1:
        [(key, argument)] = value.items()
        if key == "Fn::Join":
            separator, parts = argument
            return separator.join(str(render(part)) for part in parts)
        if key in {"Ref", "Fn::GetAtt", "Fn::ImportValue", "Fn::GetStackOutput", "Fn::Select", "Fn::Sub"}:
            return "dummy-value"
    if isinstance(value, dict):
        return {k: render(v) for k, v in value.items()}
    if isinstance(value, list):
        return [render(v) for v in value]
    return value
