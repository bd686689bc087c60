"""The local server answers at the edges as the deployed stack does (issue 12.9)."""

from __future__ import annotations

import socket
import struct
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest

from tests.e2e.conftest import LocalServer
from tests.support.client import Client, over_http


def test_a_body_that_is_not_utf8_is_a_400_not_a_closed_connection(server: LocalServer) -> None:
    client = Client("wallet", over_http(server.base_url))
    reply = client.request("POST", "/api/wallet/auth/start", raw=b'{"email": "\xff\xfe@example.jp"}')
    assert reply.status == 400 and reply.code == "invalid_request"
    assert reply.json["error"]["details"] == [
        {"field": "body", "reason": "not valid UTF-8", "reason_ja": "文字コードがUTF-8ではありません。"}
    ]
    assert client.post("/api/wallet/auth/start", {"email": "after-bad-bytes@example.jp"}).status == 200


def test_a_local_s3_link_without_a_valid_signature_is_refused_as_s3_refuses_it(server: LocalServer) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    query = (
        f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=local%2F{stamp[:8]}%2Fap-northeast-1%2Fs3%2Faws4_request"
        f"&X-Amz-Date={stamp}&X-Amz-Expires=300&X-Amz-SignedHeaders=host"
    )
    link = f"{server.base_url}/_local/s3/shoken-local-exports/exports/someone-else.csv?{query}"
    # (a forged signature is refused for its key or its signature; tests/unit/test_local_s3_links.py
    # checks each part of a real link; the console's download test uses real links end to end)
    forged = f"{link}&X-Amz-Signature={'0' * 64}"
    for url, codes in ((link, ("AccessDenied",)), (forged, ("SignatureDoesNotMatch", "InvalidAccessKeyId"))):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=10)  # noqa: S310
        body = refused.value.read()
        assert refused.value.code == 403 and any(f"<Code>{c}</Code>".encode() in body for c in codes), body


def test_a_dropped_connection_prints_no_traceback(server: LocalServer) -> None:
    # Given the server's log so far
    log = next(server.state_dir.parent.glob(f"server-{server.base_url.rsplit(':', 1)[1]}.log"))
    before = log.stat().st_size
    port = int(server.base_url.rsplit(":", 1)[1])
    # When browsers drop connections: mid-headers, mid-body, and before reading the answer
    for sent in (
        b"GET /api/health HTTP/1.1\r\nHost: x\r\n",
        b"POST /api/wallet/auth/start HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 90\r\n\r\n{",
        b"GET /shared/app.css HTTP/1.1\r\nHost: x\r\n\r\n",
    ):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(sent)
            time.sleep(0.1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
    time.sleep(0.5)
    # Then the server goes on answering, and its log has no traceback for them
    with urllib.request.urlopen(server.base_url + "/api/health", timeout=10) as reply:  # noqa: S310
        assert reply.status == 200
    with log.open("rb") as written:
        written.seek(before)
        added = written.read().decode("utf-8", "replace")
    assert "Traceback" not in added and "Exception occurred" not in added, added
