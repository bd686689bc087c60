"""What a function needs at run time (config, clock, AWS clients), built once per cold start.

In Lambda the Runtime is built during the init phase (`SHOKEN_FUNCTION` names the function's config,
see prime()): the DynamoDB client and the services its config names are created and the signing key
and origin secret read before the first request, which then pays for none of it. Elsewhere (tests,
the local server) clients are created on first use, and tests install their own Runtime with use().
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import boto3
from botocore.config import Config as BotoConfig

from shoken.clock import Clock, SystemClock
from shoken.config import CONFIG_BY_FUNCTION, BaseConfig, CardPinConfig, MailConfig
from shoken.db.dynamo import Dynamo
from shoken.observability import logger

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client
    from mypy_boto3_ses.client import SESClient

C = TypeVar("C", bound=BaseConfig)
ORIGIN_REREAD = timedelta(minutes=1)

# Short timeouts with standard retries: a till should learn within seconds that something is wrong,
# and the payment's idempotency makes the merchant app's own retry safe. Client-side parameter
# validation is off: DynamoDB validates every request itself, and botocore's walk over a payment's
# transaction costs more CPU than the rest of the handler (bench/overhead.py).
#
# The worst case of one call, attempts × (connect + read) + botocore's back-off between attempts
# (standard mode: up to 1 s, then 2 s, …), must leave room in the shortest HTTP function time-out
# (10 s, infra/names.py) for the payment's two round trips: DynamoDB answers in milliseconds, so one
# second to connect and to read is generous. Other services (SES, S3, Secrets Manager) get one call
# per request at most and a little longer. tests/unit/test_aws_faults.py holds these budgets.
# (total_max_attempts counts the first try; botocore's max_attempts counts only the retries.)
DYNAMO_ATTEMPTS, DYNAMO_CONNECT_SECONDS, DYNAMO_READ_SECONDS = 2, 0.5, 1.0
OTHER_ATTEMPTS, OTHER_CONNECT_SECONDS, OTHER_READ_SECONDS = 2, 1.0, 1.5
_DYNAMO = BotoConfig(
    connect_timeout=DYNAMO_CONNECT_SECONDS,
    read_timeout=DYNAMO_READ_SECONDS,
    retries={"mode": "standard", "total_max_attempts": DYNAMO_ATTEMPTS},
    parameter_validation=False,
)
_BOTO = BotoConfig(
    connect_timeout=OTHER_CONNECT_SECONDS,
    read_timeout=OTHER_READ_SECONDS,
    retries={"mode": "standard", "total_max_attempts": OTHER_ATTEMPTS},
    parameter_validation=False,
)


def worst_call_seconds(attempts: int, connect: float, read: float) -> float:
    """The longest one SDK call can take: every attempt timing out, with the most back-off between."""
    return attempts * (connect + read) + sum(min(2.0**n, 20.0) for n in range(attempts - 1))


@dataclass
class Runtime:
    config: BaseConfig
    clock: Clock = field(default_factory=SystemClock)
    _origin_secret: bytes = field(default=b"", init=False, repr=False)
    _origin_read_at: datetime | None = field(default=None, init=False, repr=False)

    def require(self, config_type: type[C]) -> C:
        """This function's config as the model a module needs (e.g. MailConfig for sending email)."""
        if not isinstance(self.config, config_type):
            raise RuntimeError(f"{type(self.config).__name__} lacks the settings of {config_type.__name__}")
        return self.config

    @cached_property
    def db(self) -> Dynamo:
        return Dynamo(boto3.client("dynamodb", config=_DYNAMO), self.config.table_name)

    @cached_property
    def ses(self) -> SESClient:
        return boto3.client("ses", config=_BOTO)

    @cached_property
    def s3(self) -> S3Client:
        return boto3.client("s3", config=_BOTO)

    @cached_property
    def s3_links(self) -> S3Client:
        """The client that signs download links: S3 itself in AWS, the local server's stand-in locally."""
        endpoint = getattr(self.config, "s3_link_endpoint", None)
        if not endpoint:
            return self.s3
        return boto3.client(
            "s3",
            endpoint_url=endpoint,
            config=_BOTO.merge(BotoConfig(signature_version="s3v4", s3={"addressing_style": "path"})),
        )

    @cached_property
    def secrets(self) -> Any:
        """One Secrets Manager client for every secret this process reads (keys, pepper, origin secret)."""
        return boto3.client("secretsmanager", config=_BOTO)

    def _key(self, name: str, what: str) -> bytes:
        """A generated key (infra/constructs/generated_key.py): the config's `<name>_file` locally, its
        `<name>_secret_id` in Secrets Manager in AWS; at least 32 bytes."""
        path = getattr(self.config, f"{name}_file", None)
        if path:
            with open(path, "rb") as handle:
                key = handle.read().strip()
        else:
            secret_id = getattr(self.config, f"{name}_secret_id", None)
            if not secret_id:
                raise RuntimeError(f"{type(self.config).__name__} has no {what}")
            key = self.secrets.get_secret_value(SecretId=secret_id)["SecretString"].encode()
        if len(key) < 32:
            raise RuntimeError(f"{what} is shorter than 32 bytes")
        return key

    @cached_property
    def session_key(self) -> bytes:
        return self._key("session_key", "session signing key")

    @cached_property
    def resident_key(self) -> bytes:
        """The city's key for resident-list hashes (shoken.residents); read like the session key."""
        return self._key("resident_key", "resident key")

    @cached_property
    def pin_pepper(self) -> bytes:
        """The pepper of card PINs (shoken.cards.hash_pin), for the functions that check or set one."""
        return self._key("pin_pepper", "PIN pepper")

    @property
    def origin_secret_id(self) -> str | None:
        """Set in AWS (HttpConfig): the API then answers only requests that came through CloudFront."""
        return getattr(self.config, "origin_secret_id", None)

    def origin_secret_matches(self, presented: str) -> bool:
        """Whether `presented` is the origin secret CloudFront adds to every API request.

        The secret is read once per cold start. A mismatch reads it again (at most once a minute) before
        refusing, so a rotated secret is accepted as soon as CloudFront sends it.
        """
        if self._origin_secret and hmac.compare_digest(presented.encode(), self._origin_secret):
            return True
        now = self.clock.now()
        if self._origin_read_at is not None and now - self._origin_read_at < ORIGIN_REREAD:
            return False
        self._read_origin_secret()
        return hmac.compare_digest(presented.encode(), self._origin_secret)

    def _read_origin_secret(self) -> None:
        self._origin_secret = self.secrets.get_secret_value(SecretId=self.origin_secret_id)["SecretString"].encode()
        self._origin_read_at = self.clock.now()

    def prime(self) -> None:
        """Create the clients and read the secrets now (Lambda's init phase), not on the first request.

        A failure here (Secrets Manager briefly unreachable) is logged and left to the first request,
        which reads lazily as before, so a cold start never turns into an init error.
        """
        steps: list[tuple[str, Any]] = [("dynamodb client", lambda: self.db), ("signing key", lambda: self.session_key)]
        if isinstance(self.config, MailConfig):
            steps.append(("ses client", lambda: self.ses))
        if getattr(self.config, "export_bucket", None) or getattr(self.config, "upload_bucket", None):
            steps.append(("s3 client", lambda: self.s3))
        if self.origin_secret_id:
            steps.append(("origin secret", self._read_origin_secret))
        if isinstance(self.config, CardPinConfig):
            steps.append(("PIN pepper", lambda: self.pin_pepper))
        for what, step in steps:
            try:
                step()
            except Exception:  # retried lazily by the first request
                logger.exception("init: could not prepare the %s; the first request retries", what)


class _Holder:
    """The one Runtime of this process; replaced only by tests and the local server."""

    current: Runtime | None = None


def use(runtime: Runtime) -> Runtime:
    _Holder.current = runtime
    return runtime


def get(config_type: type[BaseConfig] = BaseConfig) -> Runtime:
    if _Holder.current is None:
        _Holder.current = Runtime(config=config_type.from_env())
    return _Holder.current


# The stack sets SHOKEN_FUNCTION to the function's key of CONFIG_BY_FUNCTION; Lambda sets
# AWS_LAMBDA_FUNCTION_NAME. Both present: this module is imported during the init phase.
_FUNCTION = os.environ.get("SHOKEN_FUNCTION")
if _FUNCTION in CONFIG_BY_FUNCTION and os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
    get(CONFIG_BY_FUNCTION[_FUNCTION]).prime()
