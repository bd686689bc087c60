"""local/sam_bridge.py: what the functions in the Lambda images reach, checked without Docker.

The moto this process runs is served over HTTP (the functions' AWS_ENDPOINT_URL) on the same state,
with the secrets their env-vars file names; /api/ goes to SAM with the origin header CloudFront adds.
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from local import sam_bridge, stack
from shoken.runtime import Runtime

# How a function's SDK client signs in ap-northeast-1; moto reads the region from the credential scope.
SIGNED = (
    "AWS4-HMAC-SHA256 Credential=local/20261202/ap-northeast-1/{service}/aws4_request, SignedHeaders=host, Signature=0"
)


def _call(port: int, service: str, target: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """One AWS JSON-protocol call over HTTP, as boto3 in a Lambda container makes it."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/",
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": target,
            "Authorization": SIGNED.format(service=service),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - http to the test server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.fixture
def moto_port(rt: Runtime) -> Iterator[int]:
    server = sam_bridge.serve_moto("127.0.0.1", 0)
    try:
        yield server.server_port
    finally:
        server.shutdown()


def test_served_moto_is_the_local_stacks_moto(rt: Runtime, moto_port: int, tmp_path: Path) -> None:
    # Given an item written in-process, as the seed and the stream consumer write
    rt.db.client.put_item(TableName="shoken-local", Item={"PK": {"S": "SAM#1"}, "SK": {"S": "A"}, "n": {"N": "7"}})
    # When a function in Docker reads it through the HTTP endpoint
    status, answer = _call(
        moto_port,
        "dynamodb",
        "DynamoDB_20120810.GetItem",
        {"TableName": "shoken-local", "Key": {"PK": {"S": "SAM#1"}, "SK": {"S": "A"}}},
    )
    # Then it sees the same table
    assert status == 200
    assert answer["Item"]["n"] == {"N": "7"}


def test_the_secrets_the_env_vars_file_names_exist(rt: Runtime, moto_port: int, tmp_path: Path) -> None:
    # Given the local key files
    session_key, resident_key = stack.session_key_file(tmp_path), stack.resident_key_file(tmp_path)
    # When the bridge creates the secrets (twice: a restart of make sam-api)
    sam_bridge.create_secrets(tmp_path, session_key, resident_key)
    origin = sam_bridge.create_secrets(tmp_path, session_key, resident_key)
    # Then a function reading them over HTTP gets the local keys and the origin secret
    for name, expected in (
        (sam_bridge.SESSION_KEY_SECRET, session_key.read_text().strip()),
        (sam_bridge.RESIDENT_KEY_SECRET, resident_key.read_text().strip()),
        (sam_bridge.ORIGIN_SECRET, origin),
    ):
        status, answer = _call(moto_port, "secretsmanager", "secretsmanager.GetSecretValue", {"SecretId": name})
        assert status == 200, answer
        assert answer["SecretString"] == expected
    assert len(origin) >= 32


class _Upstream(BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, str]]] = []

    def do_POST(self) -> None:
        _Upstream.seen.append({k.lower(): v for k, v in self.headers.items()})
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Set-Cookie", "shoken_session=a; HttpOnly")
        self.send_header("Set-Cookie", "shoken_csrf=b")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *_: Any) -> None:
        pass


def test_api_requests_reach_sam_with_the_origin_header_and_every_cookie() -> None:
    # Given SAM's start-api (a stand-in that records what it receives)
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    try:
        # When the browser sends a request that tries to bring its own origin header
        answer = sam_bridge.forward(
            f"http://127.0.0.1:{upstream.server_port}",
            "POST",
            "/api/auth/login?x=1",
            {"Content-Type": "application/json", "X-Shoken-Origin": "guessed", "Host": "127.0.0.1:8000"},
            b'{"login_id": "a"}',
            "the-local-origin-secret",
        )
    finally:
        upstream.shutdown()
    # Then SAM gets the server's secret, as CloudFront sends it, not the browser's
    assert _Upstream.seen[-1]["x-shoken-origin"] == "the-local-origin-secret"
    # And the answer comes back whole, both cookies included
    assert answer.status == 201
    assert answer.cookies == ["shoken_session=a; HttpOnly", "shoken_csrf=b"]
    assert answer.body == b"{}"
    assert answer.headers["cache-control"] == "no-store"
    assert "server" not in answer.headers and "date" not in answer.headers  # the local server sends its own


def test_sam_not_answering_is_a_clear_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    answer = sam_bridge.forward(f"http://127.0.0.1:{port}", "GET", "/api/health", {}, b"", "secret")
    assert answer.status == 502
    error = json.loads(answer.body)["error"]
    assert error["code"] == "sam_unavailable"
    assert "sam local start-api" in error["message"]
