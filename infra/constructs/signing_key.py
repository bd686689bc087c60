"""The session signing key in Secrets Manager: generated at deploy time, never in the repository."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra import nag

KEY_LENGTH = 64  # shoken.runtime refuses keys under 32 bytes; 64 alphanumerics carry ~380 bits


class SigningKey(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, production: bool) -> None:
        super().__init__(scope, construct_id)
        self.secret = secretsmanager.Secret(
            self,
            "Secret",
            description="shoken session and token signing key (HMAC); read by the HTTP functions",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=KEY_LENGTH,
                exclude_punctuation=True,
                include_space=False,
            ),
            removal_policy=RemovalPolicy.RETAIN if production else RemovalPolicy.DESTROY,
        )
        nag.acknowledge(
            self.secret,
            "AwsSolutions-SMG4",
            "Rotating the signing key signs every user out, and the functions cache it per cold start; "
            "it is rotated by the documented manual procedure (docs/deploy.md), not on a schedule.",
        )
