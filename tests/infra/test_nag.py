"""cdk-nag AwsSolutions: it runs on every synth, nothing is left unacknowledged, and every
acknowledgment names one finding and says specifically why."""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk import aws_s3 as s3
from cdk_nag import AwsSolutionsChecks

from infra import nag
from tests.infra.conftest import Synth


def test_synth_reported_no_finding(synth: Synth) -> None:
    findings = [
        (violation["ruleName"], construct.get("constructPath"), violation.get("severity"))
        for report in synth.report["pluginReports"]
        for violation in report.get("violations", [])
        for construct in violation.get("violatingConstructs", violation.get("violatingResources", []))
    ]
    assert [f for f in findings if "AwsSolutions" in f[0]] == []
    assert [f for f in findings if f[2] in ("error", "fatal")] == []


def test_aws_solutions_rules_pass_on_the_whole_app(synth: Synth) -> None:
    """Run the rule pack directly over the synthesized tree, so the check above is not vacuous."""
    report = AwsSolutionsChecks().validate_scope(synth.app)
    assert [(v.rule_name, [r.construct_path for r in v.violating_resources]) for v in report.violations] == []


def test_every_acknowledgment_is_one_specific_finding_with_a_reason(synth: Synth) -> None:
    acknowledged = synth.acknowledgments()
    assert acknowledged, "expected the documented acknowledgments (APIG4, SMG4 …) in the assembly"
    for path, findings in acknowledged.items():
        for finding, reason in findings.items():
            rule = finding.removeprefix("Annotation::")
            assert rule.startswith("AwsSolutions-"), (path, finding)
            assert len(reason) >= nag.MIN_REASON_LENGTH, (path, finding, reason)
    rules = {f.removeprefix("Annotation::") for findings in acknowledged.values() for f in findings}
    assert "AwsSolutions-APIG4" in rules  # no authorizer: admission is in the functions


def test_checks_report_a_non_compliant_bucket(tmp_path) -> None:
    """The plugin nag.add_checks registers does fail a bucket that breaks the rules."""
    app = App(outdir=str(tmp_path), context={"@aws-cdk/core:failSynthOnValidationErrors": False})
    stack = Stack(app, "Probe")
    s3.CfnBucket(stack, "Open")
    nag.add_checks(app)
    app.synth()
    text = (tmp_path / "validation-report.json").read_text()
    assert "AwsSolutions-S1" in text
    assert "AwsSolutions-S10" in text
