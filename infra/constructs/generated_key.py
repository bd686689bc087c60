"""A key generated in Secrets Manager at deploy time, never in the repository: the session signing
key, the city's resident-list HMAC key and the card PIN pepper are three of these, differing in what
reads them and in why they are not rotated on a schedule."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra import nag

KEY_LENGTH = 64  # shoken.runtime refuses keys under 32 bytes; 64 alphanumerics carry ~380 bits


class GeneratedKey(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, production: bool, description: str, why_not_rotated: str
    ) -> None:
        super().__init__(scope, construct_id)
        self.secret = secretsmanager.Secret(
            self,
            "Secret",
            description=description,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=KEY_LENGTH,
                exclude_punctuation=True,
                include_space=False,
            ),
            # Kept in production when the stack goes: sessions, and a kept list's hashes, depend on it.
            removal_policy=RemovalPolicy.RETAIN if production else RemovalPolicy.DESTROY,
        )
        nag.acknowledge(self.secret, "AwsSolutions-SMG4", why_not_rotated)


def signing_key(scope: Construct, *, production: bool) -> GeneratedKey:
    return GeneratedKey(
        scope,
        "SigningKey",
        production=production,
        description="shoken session and token signing key (HMAC); read by the HTTP functions",
        why_not_rotated="Rotating the signing key signs every user out, and the functions cache it per cold "
        "start; it is rotated by the documented manual procedure (docs/deploy.md), not on a schedule.",
    )


def resident_key(scope: Construct, *, production: bool) -> GeneratedKey:
    return GeneratedKey(
        scope,
        "ResidentKey",
        production=production,
        description="shoken resident-list HMAC key (one per city); read by admin, programme, wallet, workers-jobs",
        why_not_rotated="Rotating the resident key makes every stored resident hash unmatchable; a city rotates "
        "it only with a re-upload of its lists (docs/privacy.md), not on a schedule.",
    )


def pin_pepper(scope: Construct, *, production: bool) -> GeneratedKey:
    return GeneratedKey(
        scope,
        "PinPepper",
        production=production,
        description="shoken card PIN pepper (HMAC); read by payments and programme",
        why_not_rotated="Every stored card PIN is an HMAC under the pepper: rotating it would make every PIN "
        "wrong until reissued at the counter, so it is not rotated on a schedule (docs/privacy.md).",
    )
