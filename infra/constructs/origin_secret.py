"""The origin secret: CloudFront sends it to the API on every request, so the functions can refuse
what reached the execute-api address directly (skipping CloudFront's WAF and geo restriction).

An HTTP API cannot turn its default endpoint off while CloudFront uses that endpoint as its origin,
so the secret is what closes the way around; shoken.gate.through_cloudfront checks it.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra import nag

SECRET_LENGTH = 48  # alphanumerics: ~285 bits, safe to send as a header value


class OriginSecret(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.secret = secretsmanager.Secret(
            self,
            "Secret",
            description="shoken origin secret: CloudFront sends it to the API, the HTTP functions check it",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=SECRET_LENGTH, exclude_punctuation=True, include_space=False
            ),
            # Nothing depends on its value once the stack is gone: a new deployment makes a new one.
            removal_policy=RemovalPolicy.DESTROY,
        )
        nag.acknowledge(
            self.secret,
            "AwsSolutions-SMG4",
            "Rotated by the documented procedure (docs/deploy.md: put a new value, redeploy so CloudFront "
            "sends it); the functions re-read it on a mismatch, so no request fails during the change.",
        )

    @property
    def header_value(self) -> str:
        """A CloudFormation dynamic reference: the value is resolved at deploy time, never synthesized."""
        return self.secret.secret_value.unsafe_unwrap()
