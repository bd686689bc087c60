"""Each function's environment as a light model (shoken.strict), validated once at cold start.

The CDK stack builds every function's environment from these models (infra/constructs/api.py),
so a variable a function needs cannot be forgotten in one place and set in another. Light models
rather than pydantic's: every function reads its config at init, and the payment function imports
no pydantic at all (issue 19).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import ClassVar, Self

from shoken import strict


class BaseConfig(strict.Model):
    frozen: ClassVar[bool] = True
    table_name: str = strict.field(env="TABLE_NAME", min_length=3)
    stage: str = strict.field(default="local", env="STAGE", pattern=r"^[a-z0-9-]{1,20}$")
    # Exactly one source for the session signing key: Secrets Manager in AWS, a file locally.
    session_key_secret_id: str | None = strict.field(default=None, env="SESSION_KEY_SECRET_ID")
    session_key_file: str | None = strict.field(default=None, env="SESSION_KEY_FILE")
    cookie_secure: bool = strict.field(default=True, env="COOKIE_SECURE")
    session_idle_minutes: int = strict.field(default=30, env="SESSION_IDLE_MINUTES", ge=5, le=240)
    session_max_hours: int = strict.field(default=12, env="SESSION_MAX_HOURS", ge=1, le=24)
    qr_ttl_seconds: int = strict.field(default=180, env="QR_TTL_SECONDS", ge=30, le=300)
    # scrypt cost as log2(n); 15 in AWS. Tests lower it so hundreds of sign-ins stay fast.
    password_log_n: int = strict.field(default=15, env="PASSWORD_HASH_LOG_N", ge=10, le=20)

    @strict.check
    def _one_key_source(self) -> None:
        self._one_source_of("session_key")

    def _one_source_of(self, key: str) -> None:
        """Exactly one of `<key>_secret_id` (Secrets Manager, in AWS) and `<key>_file` (locally)."""
        if (getattr(self, f"{key}_secret_id") is None) == (getattr(self, f"{key}_file") is None):
            raise ValueError(f"set exactly one of {key.upper()}_SECRET_ID and {key.upper()}_FILE")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Self:
        return cls.model_validate(dict(os.environ if env is None else env))


class HttpConfig(BaseConfig):
    """The functions behind the HTTP API."""

    # In AWS: the secret CloudFront sends as the origin header, so a request that skipped CloudFront
    # (and its WAF) is refused. Unset locally, where the local server is the only way in.
    origin_secret_id: str | None = strict.field(default=None, env="ORIGIN_SECRET_ID")


class PublicUrlConfig(BaseConfig):
    """Where the site is, for the links a function writes (mails, a card's balance page)."""

    public_base_url: str = strict.field(env="PUBLIC_BASE_URL", pattern=r"^https?://")


class MailConfig(PublicUrlConfig):
    mail_from: str = strict.field(env="MAIL_FROM", pattern=r"^[^@\s]+@[^@\s]+$")
    ses_configuration_set: str | None = strict.field(default=None, env="SES_CONFIGURATION_SET")


class AuthConfig(HttpConfig, MailConfig):
    pass


class ResidentKeyConfig(BaseConfig):
    """The city's resident-list HMAC key (issue 23): Secrets Manager in AWS, a file locally."""

    resident_key_secret_id: str | None = strict.field(default=None, env="RESIDENT_KEY_SECRET_ID")
    resident_key_file: str | None = strict.field(default=None, env="RESIDENT_KEY_FILE")

    @strict.check
    def _one_resident_key_source(self) -> None:
        self._one_source_of("resident_key")


class CardPinConfig(BaseConfig):
    """The pepper of card PINs (shoken.cards.hash_pin): Secrets Manager in AWS, a file locally."""

    pin_pepper_secret_id: str | None = strict.field(default=None, env="PIN_PEPPER_SECRET_ID")
    pin_pepper_file: str | None = strict.field(default=None, env="PIN_PEPPER_FILE")

    @strict.check
    def _one_pin_pepper_source(self) -> None:
        self._one_source_of("pin_pepper")


class UploadConfig(BaseConfig):
    """The bucket an uploaded file waits in for its job (shoken.console.stage)."""

    upload_bucket: str = strict.field(env="UPLOAD_BUCKET", min_length=3)


class AdminConfig(HttpConfig, MailConfig, ResidentKeyConfig, UploadConfig):
    pass


class ProgrammeConfig(HttpConfig, PublicUrlConfig, ResidentKeyConfig, CardPinConfig, UploadConfig):
    pass


class PaymentsConfig(HttpConfig, CardPinConfig):
    pass


class WalletConfig(HttpConfig, ResidentKeyConfig):
    pass


class HistoryConfig(HttpConfig):
    export_bucket: str = strict.field(env="EXPORT_BUCKET", min_length=3)
    export_link_seconds: int = strict.field(default=300, env="EXPORT_LINK_SECONDS", ge=60, le=3600)
    export_retention_days: int = strict.field(default=3, env="EXPORT_RETENTION_DAYS", ge=1, le=30)
    # Local only: where presigned download links point (the local server serves them); None in AWS.
    s3_link_endpoint: str | None = strict.field(default=None, env="S3_LINK_ENDPOINT")


class WorkerConfig(MailConfig, ResidentKeyConfig, UploadConfig):
    export_bucket: str = strict.field(env="EXPORT_BUCKET", min_length=3)
    export_retention_days: int = strict.field(default=3, env="EXPORT_RETENTION_DAYS", ge=1, le=30)
    # Expiry reminders are paced to SES's sending rate (emails a second; the account's quota in AWS).
    reminder_send_rate: float = strict.field(default=10, env="REMINDER_SEND_RATE", gt=0, le=500)


# Which model validates which function's environment; keys are routes.Area values plus "workers".
CONFIG_BY_FUNCTION: dict[str, type[BaseConfig]] = {
    "auth": AuthConfig,
    "admin": AdminConfig,
    "programme": ProgrammeConfig,
    "payments": PaymentsConfig,
    "wallet": WalletConfig,
    "history": HistoryConfig,
    "workers": WorkerConfig,
}
