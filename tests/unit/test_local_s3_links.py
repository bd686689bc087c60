"""/_local/s3 links are checked as S3 checks a presigned GET (issue 12.9): signature, key and expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import boto3
from botocore.config import Config

from local import s3_links

ENDPOINT = "http://127.0.0.1:8000/_local/s3"


def presigned(*, secret: str = "local", expires: int = 300) -> str:
    client: Any = boto3.client(
        "s3",
        region_name="ap-northeast-1",
        aws_access_key_id="local",
        aws_secret_access_key=secret,
        endpoint_url=ENDPOINT,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    return str(
        client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": "shoken-local-exports",
                "Key": "exports/1/取引 履歴.csv",
                "ResponseContentDisposition": 'attachment; filename="history_20261201_1.csv"',
                "ResponseContentType": "text/csv; charset=utf-8",
            },
            ExpiresIn=expires,
        )
    )


def signed_at(url: str) -> datetime:
    stamp = dict(parse_qsl(urlsplit(url).query)).get("X-Amz-Date", "20261201T000000Z")
    return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def check(url: str, *, after: int = 10, host: str = "127.0.0.1:8000") -> Any:
    parts = urlsplit(url)
    now = signed_at(url) + timedelta(seconds=after)
    return s3_links.check(
        "GET", parts.path, parts.query, {"Host": host}, access_key="local", secret_key="local", now=now
    )


def test_a_link_signed_by_the_local_key_is_good_until_it_expires() -> None:
    url = presigned()
    assert check(url) is None
    assert check(url, after=300) is None
    assert check(url, after=301) == s3_links.Refusal("AccessDenied", "Request has expired")


def test_an_unsigned_or_altered_link_is_refused() -> None:
    url = presigned()
    unsigned = url.split("&X-Amz-Signature=")[0]
    assert check(unsigned).code == "AccessDenied"
    assert check(ENDPOINT + "/shoken-local-exports/exports/1/a.csv").code == "AccessDenied"
    assert check(url.replace("exports/1/", "exports/2/")).code == "SignatureDoesNotMatch"
    assert check(url.replace("history_20261201_1", "history_20261201_2")).code == "SignatureDoesNotMatch"
    assert check(url.replace("X-Amz-Expires=300", "X-Amz-Expires=3000")).code == "SignatureDoesNotMatch"
    assert check(url, host="evil.example:8000").code == "SignatureDoesNotMatch"
    assert check(presigned(secret="another")).code == "SignatureDoesNotMatch"
    assert check(url.replace("Credential=local%2F", "Credential=other%2F")).code == "InvalidAccessKeyId"
    assert check(presigned(expires=8 * 24 * 3600)).code == "AuthorizationQueryParametersError"
