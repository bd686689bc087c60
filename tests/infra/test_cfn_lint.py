"""cfn-lint finds no error in any synthesized template (warnings CDK itself causes are allowed)."""

from __future__ import annotations

import pytest
from cfnlint.api import ManualArgs, lint_file  # type: ignore[import-untyped]

from tests.infra.conftest import Synth


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_templates_have_no_cfn_lint_errors(synth: Synth, stage: str) -> None:
    deployment = synth.deployments[stage]
    for stack in (deployment.main, deployment.edge):
        template = synth.outdir / f"{stack.stack_name}.template.json"
        matches = lint_file(template, config=ManualArgs(regions=[stack.region]))
        errors = [f"{m.rule.id} {m.message} ({m.path})" for m in matches if m.rule.id.startswith("E")]
        assert errors == [], stack.stack_name
