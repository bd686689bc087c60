"""The city's resident-list HMAC key in Secrets Manager (issue 23): generated at deploy time, never in
the repository, read by the admin function (counter search) and the workers (list upload)."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra import nag

KEY_LENGTH = 64  # shoken.runtime refuses keys under 32 bytes


class ResidentKey(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, production: bool) -> None:
        super().__init__(scope, construct_id)
        self.secret = secretsmanager.Secret(
            self,
            "Secret",
            description="shoken resident-list HMAC key (one per city stack); read by admin and workers",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=KEY_LENGTH,
                exclude_punctuation=True,
                include_space=False,
            ),
            # Kept when the stack goes: without it a kept list's hashes can no longer be matched.
            removal_policy=RemovalPolicy.RETAIN if production else RemovalPolicy.DESTROY,
        )
        nag.acknowledge(
            self.secret,
            "AwsSolutions-SMG4",
            "Rotating the resident key makes every stored resident hash unmatchable; a city rotates it "
            "only with a re-upload of its lists (docs/privacy.md), not on a schedule.",
        )
