"""CloudFront: the UIs from the private bucket, /api/* to the API uncached, shoken.web_headers on
every response, WAF attached, and folder URLs serving their index.html."""

from __future__ import annotations

from typing import Any

import pytest

from infra import names
from infra.constructs.web import INDEX_FUNCTION
from shoken.gate import ORIGIN_HEADER
from shoken.web_headers import HSTS_SECONDS, SECURITY_HEADERS
from tests.infra.conftest import Synth, only, resources
from tests.infra.test_iam import actions, statements

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def distribution(synth: Synth, stage: str = "dev") -> dict[str, Any]:
    config: dict[str, Any] = only(synth.main(stage), "AWS::CloudFront::Distribution")["Properties"][
        "DistributionConfig"
    ]
    return config


def origin(config: dict[str, Any], origin_id: str) -> dict[str, Any]:
    return next(o for o in config["Origins"] if o["Id"] == origin_id)


def test_api_behaviour_goes_uncached_to_the_http_api(synth: Synth) -> None:
    config = distribution(synth)
    [api] = [b for b in config["CacheBehaviors"] if b["PathPattern"] == names.API_PATH_PATTERN]
    assert api["CachePolicyId"] == CACHING_DISABLED
    assert api["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER
    assert set(api["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
    assert api["ViewerProtocolPolicy"] == "https-only"
    target = origin(config, api["TargetOriginId"])
    parts = target["DomainName"]["Fn::Join"][1]
    [api_id] = resources(synth.main("dev"), "AWS::ApiGatewayV2::Api")
    assert parts[0] == {"Ref": api_id}
    assert ".execute-api." in parts[1]
    assert target["CustomOriginConfig"] == {"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]}


def test_only_the_api_has_its_own_behaviour(synth: Synth) -> None:
    """`/`, `/admin/*`, `/merchant/*`, `/wallet/*`, `/shared/*` and `/vendor/*` are the bucket's."""
    assert [b["PathPattern"] for b in distribution(synth)["CacheBehaviors"]] == [names.API_PATH_PATTERN]


def test_ui_files_come_from_the_private_bucket_through_origin_access_control(synth: Synth) -> None:
    config = distribution(synth)
    default = config["DefaultCacheBehavior"]
    site = origin(config, default["TargetOriginId"])
    assert "OriginAccessControlId" in site
    assert site["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["DefaultRootObject"] == "index.html"
    [association] = default["FunctionAssociations"]
    assert association["EventType"] == "viewer-request"
    function = only(synth.main("dev"), "AWS::CloudFront::Function")["Properties"]
    assert function["FunctionCode"] == INDEX_FUNCTION
    assert "index.html" in function["FunctionCode"]


def test_response_headers_are_shoken_web_headers(synth: Synth) -> None:
    policy = only(synth.main("dev"), "AWS::CloudFront::ResponseHeadersPolicy")["Properties"]
    config = policy["ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    assert security["ContentSecurityPolicy"] == {
        "ContentSecurityPolicy": SECURITY_HEADERS["Content-Security-Policy"],
        "Override": True,
    }
    assert "frame-ancestors 'none'" in security["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert security["ContentTypeOptions"] == {"Override": True}  # nosniff
    assert security["FrameOptions"] == {"FrameOption": SECURITY_HEADERS["X-Frame-Options"], "Override": True}
    assert security["ReferrerPolicy"] == {"ReferrerPolicy": SECURITY_HEADERS["Referrer-Policy"], "Override": True}
    assert security["StrictTransportSecurity"] == {
        "AccessControlMaxAgeSec": HSTS_SECONDS,
        "IncludeSubdomains": True,
        "Preload": True,
        "Override": True,
    }
    custom = {h["Header"]: h["Value"] for h in config["CustomHeadersConfig"]["Items"]}
    modelled = {"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"}
    assert custom == {k: v for k, v in SECURITY_HEADERS.items() if k not in modelled}
    [policy_id] = resources(synth.main("dev"), "AWS::CloudFront::ResponseHeadersPolicy")
    config_all = distribution(synth)
    for behaviour in [config_all["DefaultCacheBehavior"], *config_all["CacheBehaviors"]]:
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": policy_id}


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_waf_from_the_us_east_1_stack_is_attached(synth: Synth, stage: str) -> None:
    web_acl = distribution(synth, stage)["WebACLId"]
    edge = synth.deployments[stage].edge
    assert web_acl["Fn::GetStackOutput"]["StackName"] == edge.stack_name
    assert web_acl["Fn::GetStackOutput"]["Region"] == names.EDGE_REGION == edge.region


def test_access_logging_and_modern_protocols(synth: Synth) -> None:
    config = distribution(synth)
    assert config["Logging"]["Prefix"] == "cloudfront/"
    assert config["HttpVersion"] == "http2and3"


def test_web_files_and_the_qr_decoder_are_published(synth: Synth) -> None:
    deployment = only(synth.main("dev"), "Custom::CDKBucketDeployment")["Properties"]
    assert len(deployment["SourceObjectKeys"]) == 2  # web/ and vendor/jsQR.js
    assert deployment["DistributionPaths"] == ["/*"]
    staged = [p for p in synth.outdir.iterdir() if p.is_dir() and (p / names.JSQR_KEY).is_file()]
    assert staged, "vendor/jsQR.js is not among the staged web assets"
    assert (staged[0] / names.JSQR_KEY).read_bytes() == names.JSQR_FILE.read_bytes()


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_api_origin_sends_the_secret_that_every_http_function_checks(synth: Synth, stage: str) -> None:
    template = synth.main(stage)
    [secret_id] = [k for k in resources(template, "AWS::SecretsManager::Secret") if k.startswith("OriginSecret")]
    config = distribution(synth, stage)
    [api] = [b for b in config["CacheBehaviors"] if b["PathPattern"] == names.API_PATH_PATTERN]
    [header] = origin(config, api["TargetOriginId"])["OriginCustomHeaders"]
    assert header["HeaderName"].lower() == ORIGIN_HEADER
    # Resolved by CloudFormation at deploy time: the value itself is never in the template.
    assert header["HeaderValue"] == {
        "Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": secret_id}, ":SecretString:::}}"]]
    }
    for key, function_id in synth.logical_ids[stage].items():
        variables = template["Resources"][function_id]["Properties"]["Environment"]["Variables"]
        reads = any(
            s["Effect"] == "Allow"
            and "secretsmanager:GetSecretValue" in actions(s)
            and {"Ref": secret_id} in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])
            for s in statements(synth, stage, key)
        )
        if key in names.HTTP_AREAS:
            assert variables["ORIGIN_SECRET_ID"] == {"Ref": secret_id} and reads, key
        else:  # the workers serve no HTTP
            assert "ORIGIN_SECRET_ID" not in variables and not reads, key
