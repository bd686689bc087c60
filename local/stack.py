"""The AWS side of the local stack: environment, moto, and the table, buckets and mail identity.

Used by the local server and by the integration and e2e tests, so all run against the same set-up.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT / "layers" / "shared" / "python", ROOT / "functions"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from shoken.config import AdminConfig, AuthConfig, HistoryConfig, ProgrammeConfig, WorkerConfig  # noqa: E402

REGION = "ap-northeast-1"
MAIL_FROM = "wallet-system@shoken.example"


class LocalConfig(AuthConfig, AdminConfig, ProgrammeConfig, HistoryConfig, WorkerConfig):
    """Locally every function runs in one process, so one config carries every function's settings."""


def environment(state_dir: Path, base_url: str) -> dict[str, str]:
    return {
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "TABLE_NAME": "shoken-local",
        "STAGE": "local",
        "SESSION_KEY_FILE": str(session_key_file(state_dir)),
        "RESIDENT_KEY_FILE": str(resident_key_file(state_dir)),
        "PIN_PEPPER_FILE": str(pin_pepper_file(state_dir)),
        "MAIL_FROM": MAIL_FROM,
        "PUBLIC_BASE_URL": base_url,
        "EXPORT_BUCKET": "shoken-local-exports",
        "UPLOAD_BUCKET": "shoken-local-uploads",
        "S3_LINK_ENDPOINT": f"{base_url}/_local/s3",
        "POWERTOOLS_SERVICE_NAME": "shoken-local",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "shoken",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
    }


def secret_file(state_dir: Path, name: str, nbytes: int = 48) -> Path:
    """A local secret: made once per machine under the ignored state folder, never committed."""
    path = state_dir / name
    if not path.exists():
        state_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(nbytes))
        path.chmod(0o600)
    return path


def session_key_file(state_dir: Path) -> Path:
    """The local signing key."""
    return secret_file(state_dir, "session.key")


def resident_key_file(state_dir: Path) -> Path:
    """The local resident-list HMAC key (issue 23)."""
    return secret_file(state_dir, "resident.key")


def pin_pepper_file(state_dir: Path) -> Path:
    """The local pepper of card PINs (shoken.cards.hash_pin)."""
    return secret_file(state_dir, "pin.pepper")


def apply_environment(env: dict[str, str]) -> None:
    os.environ.update(env)


def start_moto() -> Any:
    """Start moto in this process with the local corrections installed; returns the mock to stop."""
    from moto import mock_aws

    from local import moto_shim

    moto_shim.install()
    mock = mock_aws()
    mock.start()
    return mock


def create_table(table_name: str, *, replace: bool = False) -> None:
    """The table from shoken.table (the definition CDK deploys); `replace` starts it empty."""
    import boto3

    from shoken.table import TTL_ATTRIBUTE, create_table_request

    dynamodb: Any = boto3.client("dynamodb")
    if replace:
        dynamodb.delete_table(TableName=table_name)
    dynamodb.create_table(**create_table_request(table_name))
    dynamodb.update_time_to_live(
        TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
    )


def create_resources(config: LocalConfig) -> None:
    import boto3

    create_table(config.table_name)
    s3: Any = boto3.client("s3")
    for bucket in (config.export_bucket, config.upload_bucket):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    # moto's SES, like SES in its sandbox, refuses mail from an unverified sender.
    boto3.client("ses").verify_email_identity(EmailAddress=config.mail_from)
