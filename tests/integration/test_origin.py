"""In AWS the API answers only what came through CloudFront (and so through its WAF): CloudFront adds
the origin secret as a header, and a request to the execute-api address without it is refused."""

from __future__ import annotations

import boto3

from shoken import runtime
from shoken.clock import FrozenClock
from shoken.runtime import Runtime
from tests.integration.conftest import City
from tests.support import mailbox
from tests.support.client import Client

VIEWER = "203.0.113.7"


def through_cloudfront(secret: str) -> dict[str, str]:
    return {"X-Shoken-Origin": secret, "CloudFront-Viewer-Address": f"{VIEWER}:51234"}


def test_only_requests_carrying_the_origin_secret_are_answered(city: City, rt: Runtime, clock: FrozenClock) -> None:
    secrets = boto3.client("secretsmanager")
    arn = secrets.create_secret(Name="shoken-origin", SecretString="first-origin-secret-0123456789")["ARN"]
    runtime.use(Runtime(config=rt.config.model_copy(update={"origin_secret_id": arn}), clock=clock))

    direct = Client("admin").get("/api/site")
    assert direct.status == 403 and direct.code == "origin_rejected"
    spoofed = Client("admin").get("/api/site", headers=through_cloudfront("guessed-secret"))
    assert spoofed.code == "origin_rejected"

    # Through CloudFront: answered, and the audit log names the viewer, not CloudFront's address.
    admin = Client("admin")
    headers = through_cloudfront("first-origin-secret-0123456789")
    assert admin.get("/api/site", headers=headers).status == 200
    login = admin.post("/api/auth/login", {"login_id": "ena-0001", "password": "ena-0001-Pass1"}, headers=headers)
    assert login.json["next"] == "verify_email"
    admin.post("/api/auth/verify", {"code": mailbox.last_code("ena-0001@example.jp")}, headers=headers)
    entries = admin.get("/api/admin/audit?date_from=2026-11-29&date_to=2026-11-29&action=login", headers=headers)
    assert [e["source_ip"] for e in entries.json["items"]] == [VIEWER]

    # Rotated: the new secret is accepted at once; the old one only until the function reads again.
    secrets.put_secret_value(SecretId=arn, SecretString="second-origin-secret-9876543210")
    clock.advance(seconds=61)
    assert admin.get("/api/auth/me", headers=through_cloudfront("second-origin-secret-9876543210")).status == 200
    assert admin.get("/api/auth/me", headers=through_cloudfront("first-origin-secret-0123456789")).status == 403


def test_locally_the_local_server_is_the_only_way_in_and_no_secret_is_asked(city: City) -> None:
    assert Client("admin").get("/api/site").status == 200
