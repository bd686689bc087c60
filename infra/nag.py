"""cdk-nag on every synth, and the one way this app acknowledges a finding: with a specific reason.

cdk-nag 3 is a CDK validation plugin: findings land in cdk.out/validation-report.json and fail the
synth. A finding is acknowledged on the narrowest construct that causes it, by its exact id
(`AwsSolutions-IAM5[Resource::...]` for one wildcard), never by a blanket rule id on the stack.
"""

from __future__ import annotations

import jsii
from aws_cdk import Acknowledgment, App, Aspects, CfnResource, IAspect, Stack, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

MIN_REASON_LENGTH = 40

# cfn-lint rules (what `sam validate --lint` runs, tests/infra/test_cfn_lint.py) set aside on one kind
# of resource, each for a reason; written into that resource's Metadata, where cfn-lint reads it.
LINT_EXEMPTIONS: dict[str, dict[str, str]] = {
    "AWS::Lambda::Function": {
        "W3005": "CDK's lambda.Function lists its role in DependsOn (beside the role's policy, which it "
        "needs) and also reads the role's Arn with GetAtt: the DependsOn on the role is redundant, not "
        "wrong, and is CDK's output, which the app cannot drop without patching CDK.",
    },
}


@jsii.implements(IAspect)
class _LintExemptions:
    def visit(self, node: IConstruct) -> None:
        if isinstance(node, CfnResource) and (rules := LINT_EXEMPTIONS.get(node.cfn_resource_type)):
            node.add_metadata("cfn-lint", {"config": {"ignore_checks": sorted(rules)}})


def add_checks(app: App) -> None:
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    Aspects.of(app).add(_LintExemptions())


def acknowledge(scope: IConstruct, finding: str, reason: str) -> None:
    """Acknowledge one cdk-nag finding on `scope` and its children; the reason is the audit trail."""
    if not finding.startswith("AwsSolutions-"):
        raise ValueError(f"not an AwsSolutions finding id: {finding}")
    if len(reason.strip()) < MIN_REASON_LENGTH:
        raise ValueError(f"the reason for {finding} must say specifically why (got {reason!r})")
    Validations.of(scope).acknowledge(Acknowledgment(id=finding, reason=reason))


def ref(resource: IConstruct, attribute: str = "Arn") -> str:
    """How cdk-nag writes a reference to `resource` in a finding id, e.g. `<Table12AB34CD.Arn>`."""
    cfn = resource if isinstance(resource, CfnResource) else resource.node.default_child
    if not isinstance(cfn, CfnResource):
        raise TypeError(f"{resource.node.path} has no CloudFormation resource")
    logical_id = Stack.of(cfn).resolve(Stack.of(cfn).get_logical_id(cfn))
    return f"<{logical_id}.{attribute}>"
