"""The stage configuration model: what a committee may set, and the mistakes it refuses."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from infra import names, stage_config
from infra.stage_config import StageConfig

BASE: dict[str, Any] = {
    "stage": "dev",
    "city": "ena",
    "committee_name": "恵那市商品券事業実行委員会",
    "mail_from": "wallet-system@shoken.example",
}


def test_the_shipped_stage_files_are_valid() -> None:
    dev = stage_config.load({"stage": "dev"})
    prod = stage_config.load({"stage": "prod"})
    assert (dev.production, prod.production) == (False, True)
    assert dev.prefix == names.stack_prefix("ena", "dev") == "shoken-ena-dev"
    assert dev.identity_domain == "shoken.example"


def test_context_overrides_account_and_checks_the_city() -> None:
    assert stage_config.load({"stage": "dev", "account": "111122223333"}).account == "111122223333"
    assert stage_config.load({"stage": "dev", "city": "ena"}).city == "ena"
    with pytest.raises(ValueError, match="configuration of city 'ena'"):
        stage_config.load({"stage": "dev", "city": "gifu"})


def test_missing_stage_file_is_reported() -> None:
    with pytest.raises(FileNotFoundError):
        stage_config.load({"stage": "nowhere"})


@pytest.mark.parametrize(
    "change",
    [
        {"domain_name": "shoken.example.jp"},  # a domain needs its certificate
        {"certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/abc-123"},
        {
            "domain_name": "shoken.example.jp",
            "certificate_arn": "arn:aws:acm:ap-northeast-1:123456789012:certificate/abc-123",
        },  # CloudFront takes certificates from us-east-1 only
        {"mail_from": "someone@elsewhere.example"} | {"ses_domain": "shoken.example"},
        {"log_retention_days": 10},
        {"stage": "Prod"},
        {"allowed_countries": ["jp"]},
        {"unknown_setting": 1},
        {"backup_copy_region": "ap-northeast-1"},  # a copy in the table's own region is no copy
        {"backup_copy_region": "tokyo"},
        {"monthly_budget_usd": 0},
    ],
)
def test_inconsistent_settings_are_refused(change: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        StageConfig.model_validate(BASE | change)


def test_custom_domain_with_its_certificate() -> None:
    config = StageConfig.model_validate(
        BASE
        | {
            "domain_name": "shoken.example.jp",
            "certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/abc-123",
            "ses_domain": "shoken.example",
            "allowed_countries": ["JP"],
        }
    )
    assert config.allowed_countries == ("JP",)
