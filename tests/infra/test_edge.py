"""The us-east-1 stack: a CloudFront-scoped web ACL with AWS managed rules and a per-IP rate limit."""

from __future__ import annotations

import pytest

from infra import names
from infra.constructs.firewall import RATE_RULE_NAME
from tests.infra.conftest import Synth, only


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_web_acl_for_cloudfront_in_us_east_1(synth: Synth, stage: str) -> None:
    deployment = synth.deployments[stage]
    assert deployment.edge.region == names.EDGE_REGION
    acl = only(synth.edge(stage), "AWS::WAFv2::WebACL")["Properties"]
    assert acl["Scope"] == "CLOUDFRONT"
    assert acl["DefaultAction"] == {"Allow": {}}
    rules = {rule["Name"]: rule for rule in acl["Rules"]}
    common = rules["AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"]
    assert common["VendorName"] == "AWS"
    rate = rules[RATE_RULE_NAME]
    assert rate["Action"] == {"Block": {}}
    assert rate["Statement"]["RateBasedStatement"] == {
        "Limit": deployment.config.waf_rate_limit,
        "AggregateKeyType": "IP",
    }
    assert len({rule["Priority"] for rule in acl["Rules"]}) == len(acl["Rules"])


def test_main_stack_lives_in_the_configured_region(synth: Synth) -> None:
    for deployment in synth.deployments.values():
        assert deployment.main.region == deployment.config.region
        assert deployment.main.account == deployment.edge.account
