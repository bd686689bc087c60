"""A deployment's settings (stage, city, domain, mail, alarms, retention) as a validated model.

Read from `infra/stages/<stage>.json` (`infra/stages/<city>/<stage>.json` for another city, or the file
given with `-c config=...`); `-c account=...` overrides its account. A committee ships a city with one file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from infra import names

# CloudWatch Logs accepts only these retention periods.
LOG_RETENTION_DAYS = frozenset(
    {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
)

_SLUG = r"^[a-z0-9](?:[a-z0-9-]{0,18}[a-z0-9])?$"
_DOMAIN = r"^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_LOCAL_URL = r"^http://[a-z0-9.-]+:\d{2,5}$"


class LocalEndpoints(BaseModel):
    """Where a stage's functions find AWS when they run in `sam local` (docs/deploy.md, "test on the
    real runtime"): a stage with these is for a DevOps machine with Docker, never for AWS."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # AWS_ENDPOINT_URL of every SDK client in the functions: the moto server of `make sam-api`, as a
    # Lambda container reaches the host (host.docker.internal; SAM maps it with --add-host on Linux).
    aws: str = Field(pattern=_LOCAL_URL)
    # The local server the browser uses: the UIs, /api/ forwarded to SAM, mail links and the S3 links.
    public_base_url: str = Field(pattern=_LOCAL_URL)


class StageConfig(BaseModel):
    """Everything that differs between two deployments of shoken; nothing else is configurable."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Same pattern as the functions' STAGE variable (shoken.config.BaseConfig).
    stage: str = Field(pattern=_SLUG)
    city: str = Field(pattern=_SLUG, description="short slug of the city, part of every stack and resource name")
    committee_name: str = Field(min_length=1, description="the voucher committee, e.g. 恵那市商品券事業実行委員会")
    # Production keeps data when a stack is deleted and refuses to delete the table.
    production: bool = False
    account: str | None = Field(default=None, pattern=r"^\d{12}$")
    region: str = Field(default="ap-northeast-1", pattern=r"^[a-z]{2}(-[a-z]+)+-\d$")

    domain_name: str | None = Field(default=None, pattern=_DOMAIN, max_length=253)
    # ACM certificate for domain_name; CloudFront only accepts certificates from us-east-1.
    certificate_arn: str | None = Field(
        default=None, pattern=r"^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate/[0-9a-f-]+$"
    )

    mail_from: str = Field(pattern=_EMAIL)
    # The SES domain identity; by default the domain of mail_from.
    ses_domain: str | None = Field(default=None, pattern=_DOMAIN, max_length=253)
    alarm_email: str | None = Field(default=None, pattern=_EMAIL)

    log_retention_days: int = 90
    tracing_sdk: bool = False  # X-Ray SDK subsegments in every function (adds ~150 ms to cold starts)
    export_retention_days: int = Field(default=7, ge=1, le=30)
    upload_retention_days: int = Field(default=30, ge=1, le=365)
    access_log_retention_days: int = Field(default=90, ge=1, le=3653)
    # SES's maximum send rate for the account (emails a second): expiry reminders are paced to it.
    ses_send_rate: float = Field(default=10, gt=0, le=500)

    # HTTP API default stage throttling (requests per second, account-region limits permitting).
    api_rate_limit: int = Field(default=200, ge=1, le=10000)
    api_burst_limit: int = Field(default=400, ge=1, le=5000)
    # WAF: requests per 5 minutes from one IP address before it is blocked.
    waf_rate_limit: int = Field(default=2000, ge=10, le=2_000_000_000)
    # Caps the payments function so a burst cannot starve the other functions of concurrency.
    payments_reserved_concurrency: int | None = Field(default=None, ge=1, le=1000)
    # Provisioned concurrency of the payments function during shop hours (Japan time), so the first
    # payment of the morning meets a warm function; None: on demand only (docs/deploy.md, cold starts).
    payments_warm_concurrency: int | None = Field(default=None, ge=1, le=100)
    payments_warm_hours: tuple[int, int] = (8, 20)  # from, to: whole hours 0-23, Japan time
    # ISO 3166 country codes CloudFront serves; None serves every country.
    allowed_countries: tuple[str, ...] | None = None

    # AWS Budgets: the month's cost (USD, the whole account) past which the alarm topic is told,
    # at 80 % of actual spend and at 100 % of the forecast.
    monthly_budget_usd: int = Field(default=100, ge=1, le=1_000_000)
    # AWS Backup copies each daily backup of the table to a vault in this region (None: no copy).
    backup_copy_region: str | None = Field(default=None, pattern=r"^[a-z]{2}(-[a-z]+)+-\d$")
    # Only for `make sam-api` / `make sam-invoke` (infra/stages/local.json): the functions call moto.
    local_endpoints: LocalEndpoints | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.domain_name is None) != (self.certificate_arn is None):
            raise ValueError("set both domain_name and certificate_arn, or neither")
        if self.log_retention_days not in LOG_RETENTION_DAYS:
            raise ValueError(f"log_retention_days must be one of {sorted(LOG_RETENTION_DAYS)}")
        mail_domain = self.mail_from.rsplit("@", 1)[1].lower()
        identity = self.identity_domain
        if mail_domain != identity and not mail_domain.endswith("." + identity):
            raise ValueError(f"mail_from ({self.mail_from}) is not an address of the SES domain {identity}")
        if self.local_endpoints is not None and self.production:
            raise ValueError("local_endpoints are for sam local only: a production stage cannot have them")
        if self.backup_copy_region == self.region:
            raise ValueError("backup_copy_region must differ from region: a copy in the same region is no copy")
        opens, closes = self.payments_warm_hours
        if not (0 <= opens < closes <= 23):
            raise ValueError("payments_warm_hours is [from, to] in whole hours, 0 <= from < to <= 23 (Japan time)")
        if self.allowed_countries is not None and not all(
            len(code) == 2 and code.isupper() for code in self.allowed_countries
        ):
            raise ValueError("allowed_countries are two-letter upper-case ISO 3166 codes, e.g. JP")
        return self

    @property
    def identity_domain(self) -> str:
        return (self.ses_domain or self.mail_from.rsplit("@", 1)[1]).lower()

    @property
    def prefix(self) -> str:
        return names.stack_prefix(self.city, self.stage)


def config_path(stage: str, city: str | None, explicit: str | None) -> Path:
    """`-c config=<file>`, else `infra/stages/<city>/<stage>.json`, else `infra/stages/<stage>.json`."""
    if explicit:
        path = Path(explicit)
        return path if path.is_absolute() else names.ROOT / path
    if city and (names.STAGES_DIR / city / f"{stage}.json").is_file():
        return names.STAGES_DIR / city / f"{stage}.json"
    return names.STAGES_DIR / f"{stage}.json"


def load(context: Mapping[str, Any], *, default_account: str | None = None) -> StageConfig:
    """The StageConfig of this synth: the stage's file, completed by the context."""
    stage = str(context.get(names.CONTEXT_STAGE) or "dev")
    city = str(context[names.CONTEXT_CITY]) if context.get(names.CONTEXT_CITY) else None
    path = config_path(stage, city, context.get(names.CONTEXT_CONFIG_FILE))
    if not path.is_file():
        raise FileNotFoundError(f"no stage configuration at {path}; create it or pass -c config=<file>")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    data.setdefault("stage", stage)
    # A file names its committee and mail sender: deploying it under another city's name would
    # mislabel that city's stack, so a mismatch is an error rather than an override.
    if city and data.setdefault("city", city) != city:
        raise ValueError(f"{path} is the configuration of city {data['city']!r}, not {city!r}")
    account = context.get(names.CONTEXT_ACCOUNT) or data.get("account") or default_account
    if account:
        data["account"] = str(account)
    return StageConfig.model_validate(data)
