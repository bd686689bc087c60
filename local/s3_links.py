"""The checks S3 makes on a presigned GET link, for the local server's /_local/s3 stand-in.

A link works only as signed: Signature Version 4 in the query string (AWS4-HMAC-SHA256, the local
access key, host signed, UNSIGNED-PAYLOAD), within X-Amz-Expires seconds of X-Amz-Date. A link that was
never signed, was altered (another key, another bucket, another filename) or has expired gets S3's 403
and error code, as in AWS.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_EXPIRES = 7 * 24 * 3600  # S3's limit for a SigV4 presigned link
REQUIRED = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders")


@dataclass(frozen=True)
class Refusal:
    code: str  # S3's error code
    message: str

    def xml(self) -> bytes:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{self.code}</Code><Message>{self.message}</Message></Error>"
        ).encode()


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def _sign(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def check(
    method: str,
    raw_path: str,
    raw_query: str,
    headers: dict[str, str],
    *,
    access_key: str,
    secret_key: str,
    now: datetime,
) -> Refusal | None:
    """None when the link is good; otherwise what S3 answers (always 403)."""
    params = parse_qsl(raw_query, keep_blank_values=True)
    query = dict(params)
    if "X-Amz-Signature" not in query or any(name not in query for name in REQUIRED):
        return Refusal("AccessDenied", "Query-string authentication requires the Signature, Expires and Credential.")
    if query["X-Amz-Algorithm"] != ALGORITHM:
        return Refusal("AuthorizationQueryParametersError", "X-Amz-Algorithm only supports AWS4-HMAC-SHA256")
    credential = query["X-Amz-Credential"].split("/")
    if len(credential) != 5 or credential[3:] != ["s3", "aws4_request"]:
        return Refusal("AuthorizationQueryParametersError", "Error parsing the X-Amz-Credential parameter")
    if credential[0] != access_key:
        return Refusal("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
    try:
        signed_at = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        expires = int(query["X-Amz-Expires"])
    except ValueError:
        return Refusal("AuthorizationQueryParametersError", "X-Amz-Date or X-Amz-Expires is malformed")
    if not 0 < expires <= MAX_EXPIRES:
        return Refusal("AuthorizationQueryParametersError", "X-Amz-Expires must be between 1 and 604800 seconds")
    if credential[1] != query["X-Amz-Date"][:8]:
        return Refusal("SignatureDoesNotMatch", "The credential date does not match X-Amz-Date.")
    if now > signed_at + timedelta(seconds=expires):
        return Refusal("AccessDenied", "Request has expired")
    if now < signed_at - timedelta(minutes=15):
        return Refusal("AccessDenied", "Request is not yet valid")

    lowered = {name.lower(): " ".join(value.split()) for name, value in headers.items()}
    signed_headers = query["X-Amz-SignedHeaders"].split(";")
    canonical_headers = "".join(f"{name}:{lowered.get(name, '')}\n" for name in signed_headers)
    canonical_query = "&".join(
        f"{_encode(name)}={_encode(value)}" for name, value in sorted(params) if name != "X-Amz-Signature"
    )
    canonical_request = "\n".join(
        [method, raw_path, canonical_query, canonical_headers, ";".join(signed_headers), "UNSIGNED-PAYLOAD"]
    )
    scope = "/".join(credential[1:])
    to_sign = "\n".join([ALGORITHM, query["X-Amz-Date"], scope, hashlib.sha256(canonical_request.encode()).hexdigest()])
    key = _sign(("AWS4" + secret_key).encode(), credential[1])
    for part in credential[2:]:
        key = _sign(key, part)
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, query["X-Amz-Signature"]):
        return Refusal("SignatureDoesNotMatch", "The request signature we calculated does not match the signature.")
    return None
