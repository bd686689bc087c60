"""CloudFront in front of everything: the static UIs from a private bucket, `/api/*` to the HTTP API
on the same origin (so cookies stay first-party and no CORS is needed), and the security headers of
shoken.web_headers on every response."""

from __future__ import annotations

from aws_cdk import DefaultStackSynthesizer, Duration, RemovalPolicy, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from infra import nag, names
from infra.constructs.storage import secure_bucket
from infra.retention import retention
from shoken.gate import ORIGIN_HEADER
from shoken.web_headers import HSTS_SECONDS, SECURITY_HEADERS

ORIGIN_HEADER_NAME = "-".join(part.capitalize() for part in ORIGIN_HEADER.split("-"))  # X-Shoken-Origin

# Viewer-request function of the static behaviour: `/admin/` serves `/admin/index.html`, and a
# folder requested without its slash is redirected so the page's relative links resolve under it.
INDEX_FUNCTION = """\
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
  } else if (uri.lastIndexOf('.') < uri.lastIndexOf('/')) {
    return {
      statusCode: 301,
      statusDescription: 'Moved Permanently',
      headers: { location: { value: uri + '/' } }
    };
  }
  return request;
}
"""

# Headers CloudFront models as "security headers"; every other entry of SECURITY_HEADERS is sent
# as a custom header, so a header added to shoken.web_headers reaches AWS with no change here.
_SECURITY_HEADER_NAMES = frozenset(
    {"content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy"}
)


def response_headers_policy(scope: Construct, construct_id: str) -> cloudfront.ResponseHeadersPolicy:
    headers = {name.lower(): (name, value) for name, value in SECURITY_HEADERS.items()}
    if headers["x-content-type-options"][1] != "nosniff":
        raise ValueError("CloudFront can only send X-Content-Type-Options: nosniff")
    frame = cloudfront.HeadersFrameOption[headers["x-frame-options"][1].upper()]
    referrer = cloudfront.HeadersReferrerPolicy[headers["referrer-policy"][1].upper().replace("-", "_")]
    return cloudfront.ResponseHeadersPolicy(
        scope,
        construct_id,
        comment="shoken security headers (shoken.web_headers)",
        security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
            content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                content_security_policy=headers["content-security-policy"][1], override=True
            ),
            content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
            frame_options=cloudfront.ResponseHeadersFrameOptions(frame_option=frame, override=True),
            referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(referrer_policy=referrer, override=True),
            strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                access_control_max_age=Duration.seconds(HSTS_SECONDS),
                include_subdomains=True,
                preload=True,
                override=True,
            ),
        ),
        custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(
            custom_headers=[
                cloudfront.ResponseCustomHeader(header=name, value=value, override=True)
                for key, (name, value) in headers.items()
                if key not in _SECURITY_HEADER_NAMES
            ]
        ),
    )


class Web(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api_domain: str,
        origin_secret: str,
        access_logs: s3.IBucket,
        removal_policy: RemovalPolicy,
        log_retention_days: int,
        web_acl_arn: str,
        domain_name: str | None,
        certificate_arn: str | None,
        allowed_countries: tuple[str, ...] | None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.bucket = secure_bucket(self, "Site", access_logs=access_logs, removal_policy=removal_policy)
        headers = response_headers_policy(self, "SecurityHeaders")
        index = cloudfront.Function(
            self,
            "IndexRewrite",
            code=cloudfront.FunctionCode.from_inline(INDEX_FUNCTION),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            comment="serve index.html for folder URLs of the shoken UIs",
        )
        certificate = (
            acm.Certificate.from_certificate_arn(self, "Certificate", certificate_arn) if certificate_arn else None
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="shoken web UIs and API",
            # `/`, `/admin/*`, `/merchant/*`, `/wallet/*`, `/shared/*` and `/vendor/*` are files of the bucket.
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=headers,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=index, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ],
                compress=True,
            ),
            additional_behaviors={
                names.API_PATH_PATTERN: cloudfront.BehaviorOptions(
                    origin=origins.HttpOrigin(
                        api_domain,
                        protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
                        origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
                        # Replaces any header of that name a viewer sends (infra/constructs/origin_secret.py).
                        custom_headers={ORIGIN_HEADER_NAME: origin_secret},
                    ),
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                    allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                    # Every API answer is personal: never cached; cookies, query strings and every
                    # header but Host (API Gateway routes on its own host name) reach the API.
                    cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                    origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                    response_headers_policy=headers,
                    compress=True,
                ),
            },
            default_root_object="index.html",
            domain_names=[domain_name] if domain_name else None,
            certificate=certificate,
            # Only a custom certificate lets CloudFront enforce a minimum TLS version.
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 if certificate else None,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            # Edge locations in Japan and the rest of Asia are included; the most expensive ones are not.
            price_class=cloudfront.PriceClass.PRICE_CLASS_200,
            enable_logging=True,
            log_bucket=access_logs,
            log_file_prefix="cloudfront/",
            web_acl_id=web_acl_arn,
            geo_restriction=(cloudfront.GeoRestriction.allowlist(*allowed_countries) if allowed_countries else None),
        )
        self.url = f"https://{domain_name or self.distribution.distribution_domain_name}"
        if not allowed_countries:
            nag.acknowledge(
                self.distribution,
                "AwsSolutions-CFR1",
                "Residents use their vouchers while travelling and shops may sit near a border of "
                "the service area; set allowed_countries in the stage file to restrict by country.",
            )
        if not domain_name:
            nag.acknowledge(
                self.distribution,
                "AwsSolutions-CFR4",
                "Without a custom domain CloudFront serves its default *.cloudfront.net certificate, "
                "whose minimum TLS version it fixes itself; a stage with domain_name and "
                "certificate_arn enforces TLSv1.2_2021.",
            )
        self._deploy(removal_policy, log_retention_days)

    def _deploy(self, removal_policy: RemovalPolicy, log_retention_days: int) -> None:
        """Publish web/ and the QR decoder the merchant app loads, then invalidate CloudFront's cache."""
        if not names.JSQR_FILE.is_file():
            raise FileNotFoundError(f"{names.JSQR_FILE} is missing: run `npm ci` (make setup) first")
        role = iam.Role(
            self,
            "DeployRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="copies the shoken web UIs into the site bucket",
        )
        log_group = logs.LogGroup(
            self, "DeployLogs", retention=retention(log_retention_days), removal_policy=removal_policy
        )
        log_group.grant_write(role)
        self.deployment = s3deploy.BucketDeployment(
            self,
            "Deploy",
            sources=[
                s3deploy.Source.asset(str(names.WEB_DIR), exclude=["**/.DS_Store"]),
                s3deploy.Source.data(names.JSQR_KEY, names.JSQR_FILE.read_text(encoding="utf-8")),
            ],
            destination_bucket=self.bucket,
            distribution=self.distribution,
            distribution_paths=["/*"],
            role=role,
            log_group=log_group,
            memory_limit=512,
        )
        self.deploy_role = role
        self._acknowledge_deployment(role)

    def _acknowledge_deployment(self, role: iam.IRole) -> None:
        """CDK's BucketDeployment handler: what its own grants need, acknowledged on its role only."""
        stack = Stack.of(self)
        qualifier = getattr(stack.synthesizer, "bootstrap_qualifier", None) or DefaultStackSynthesizer.DEFAULT_QUALIFIER
        staging = f"arn:{stack.resolve(stack.partition)}:s3:::cdk-{qualifier}-assets-{stack.account}-{stack.region}/*"
        reasons = {
            "Action::s3:GetBucket*": "reads the web assets CDK staged and the site bucket it syncs",
            "Action::s3:GetObject*": "reads the web assets CDK staged and the site bucket it syncs",
            "Action::s3:List*": "lists the site bucket to prune files no longer in web/",
            "Action::s3:Abort*": "aborts its own failed multipart uploads to the site bucket",
            "Action::s3:DeleteObject*": "prunes files removed from web/ out of the site bucket",
            f"Resource::{nag.ref(self.bucket)}/*": "every object of the site bucket is a deployed web file",
            f"Resource::{staging}": "the CDK bootstrap staging bucket holding this deployment's zip",
            "Resource::*": "cloudfront:CreateInvalidation and GetInvalidation have no resource-level permissions",
        }
        for finding, reason in reasons.items():
            nag.acknowledge(role, f"AwsSolutions-IAM5[{finding}]", f"BucketDeployment {reason}.")
        for child in stack.node.children:
            if child.node.id.startswith("Custom::CDKBucketDeployment"):
                nag.acknowledge(
                    child,
                    "AwsSolutions-L1",
                    "CDK's own BucketDeployment handler: aws-cdk-lib picks and upgrades its runtime.",
                )
