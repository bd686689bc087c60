"""The synthesized templates pass `sam validate --lint`, checked without the SAM CLI.

`sam validate --lint` (aws-sam-cli 1.170.0, samcli/commands/validate/validate.py) is cfn-lint:
`cfnlint.api.lint(<template text>, config=ManualArgs(regions=[<region>]))`, failing on any match,
warnings included. cfn-lint is pinned to the version that SAM CLI release pins (requirements/dev.txt),
so this is the same check on every stack of both stages, in the stack's own region.
"""

from __future__ import annotations

from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint  # type: ignore[import-untyped]

from infra import nag
from tests.infra.conftest import Synth


def _stacks(synth: Synth, stage: str) -> list[Any]:
    deployment = synth.deployments[stage]
    if stage == "local":
        return [deployment.main]  # what `sam local` reads; its other stacks are dev's with other names
    stacks = [deployment.edge, deployment.main, deployment.edge_alarms]
    return stacks + ([deployment.backup_copy] if deployment.backup_copy else [])


@pytest.mark.parametrize("stage", ["dev", "prod", "local"])
def test_templates_pass_sam_validate_lint(synth: Synth, stage: str) -> None:
    # Given every template of the stage, as `make synth` writes them
    for stack in _stacks(synth, stage):
        template = (synth.outdir / f"{stack.stack_name}.template.json").read_text()
        # When cfn-lint runs as `sam validate --lint --region <the stack's region>` runs it
        matches = lint(template, config=ManualArgs(regions=[stack.region]))
        # Then nothing matches: no error and no warning
        assert [f"{m.rule.id} {m.message} ({'/'.join(map(str, m.path))})" for m in matches] == [], stack.stack_name


def test_lint_exemptions_are_narrow_and_explained(synth: Synth) -> None:
    # Given every resource that sets cfn-lint rules aside in its Metadata
    exempted: dict[str, set[str]] = {}
    for template_file in synth.template_files():
        template = synth.template_json(template_file.name.removesuffix(".template.json"))
        for resource in template["Resources"].values():
            rules = resource.get("Metadata", {}).get("cfn-lint", {}).get("config", {}).get("ignore_checks")
            if rules:
                exempted.setdefault(resource["Type"], set()).update(rules)
        # Then no template sets a rule aside for all of its resources
        assert "cfn-lint" not in template.get("Metadata", {}), template_file.name
    # Then only the rules of LINT_EXEMPTIONS, on their resource type, each with a specific reason
    allowed = {kind: set(rules) for kind, rules in nag.LINT_EXEMPTIONS.items()}
    assert exempted == allowed
    for rules in nag.LINT_EXEMPTIONS.values():
        assert all(len(reason) >= nag.MIN_REASON_LENGTH for reason in rules.values())
