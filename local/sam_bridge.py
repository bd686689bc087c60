"""The local server's part in `make sam-api`: the functions run in the Lambda images, everything else here.

`python -m local.server --moto-port 5000 --api-upstream http://127.0.0.1:3000` (infra/sam.py starts it so):
- this process's moto is also served over HTTP on --moto-port, one call at a time under moto_shim's
  lock, so the functions in Docker (AWS_ENDPOINT_URL from the stage's local_endpoints) read and write
  the same table, buckets, mail and secrets as the stream consumer, the mailbox and the seed here;
- the secrets the template's functions read (signing key, resident key, origin secret) are created in
  moto from the local key files;
- /api/ requests go to `sam local start-api` with the origin header CloudFront would add, and the UIs,
  mailbox and S3 links stay on this server, as CloudFront's other origins do in AWS.
"""

from __future__ import annotations

import http.client
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from local import moto_shim, stack

# The template's secret variables -> the secrets made here (infra/sam.py writes these into the env-vars file).
SESSION_KEY_SECRET = "shoken-local/session-key"
RESIDENT_KEY_SECRET = "shoken-local/resident-key"
ORIGIN_SECRET = "shoken-local/origin-secret"
ORIGIN_HEADER = "x-shoken-origin"  # shoken.gate.ORIGIN_HEADER, what CloudFront sends
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "upgrade"}
# The local server writes its own (SAM's would arrive twice).
OWN_HEADERS = {"server", "date"}
# The first call of a function starts its container (and a cold start): SAM can take this long.
UPSTREAM_TIMEOUT_SECONDS = 120


class BridgeError(Exception):
    """One line naming the fix; the server exits with it."""


@dataclass
class Forwarded:
    """What SAM answered, in the shape of local.apigw.LocalResponse."""

    status: int
    headers: dict[str, str]
    body: bytes
    cookies: list[str] = field(default_factory=list)


def origin_secret_file(state_dir: Path) -> Path:
    return stack.secret_file(state_dir, "origin.secret", 36)


def create_secrets(state_dir: Path, session_key_file: Path, resident_key_file: Path) -> str:
    """Put the local keys into moto's Secrets Manager (idempotent); returns the origin secret."""
    import boto3

    client: Any = boto3.client("secretsmanager")
    origin = origin_secret_file(state_dir).read_text().strip()
    values = {
        SESSION_KEY_SECRET: session_key_file.read_text().strip(),
        RESIDENT_KEY_SECRET: resident_key_file.read_text().strip(),
        ORIGIN_SECRET: origin,
    }
    for name, value in values.items():
        try:
            client.create_secret(Name=name, SecretString=value)
        except client.exceptions.ResourceExistsException:
            client.put_secret_value(SecretId=name, SecretString=value)
    return origin


def serve_moto(host: str, port: int) -> Any:
    """Serve this process's moto backends over HTTP in a daemon thread; returns the server."""
    try:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
    except ImportError as error:
        raise BridgeError(
            f"moto's server needs {error.name}: install requirements/sam.txt (`make sam-api` does)"
        ) from None
    from werkzeug.serving import make_server

    app = DomainDispatcherApplication(create_backend_app)

    class QuietHandler(MotoRequestHandler):
        def log_request(self, *args: Any) -> None:
            if os.environ.get("SHOKEN_ACCESS_LOG"):  # as the local server's own access log
                super().log_request(*args)

    def serialized(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        # The whole response is produced under the lock the in-process calls take (moto_shim).
        with moto_shim.LOCK:
            return list(app(environ, start_response))

    try:
        server = make_server(host, port, serialized, threaded=True, request_handler=QuietHandler)
    except OSError as error:
        raise BridgeError(f"cannot serve moto on {host}:{port}: {error.strerror}; free the port") from None
    threading.Thread(target=server.serve_forever, name="moto-server", daemon=True).start()
    return server


def forward(upstream: str, method: str, target: str, headers: dict[str, str], body: bytes, origin: str) -> Forwarded:
    """One /api/ request to `sam local start-api`, with the origin header, as CloudFront sends it."""
    parts = urlsplit(upstream)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    connection = http.client.HTTPConnection(host, port, timeout=UPSTREAM_TIMEOUT_SECONDS)
    sent = {name: value for name, value in headers.items() if name.lower() not in HOP_BY_HOP | {ORIGIN_HEADER}}
    sent[ORIGIN_HEADER] = origin
    try:
        connection.request(method, target, body=body or None, headers=sent)
        response = connection.getresponse()
        payload = response.read()
    except OSError as error:
        message = f"sam local start-api（{upstream}）が応答しません。その端末の出力を確認してください。({error})"
        return Forwarded(502, {"content-type": "application/json"}, _error("sam_unavailable", message))
    finally:
        connection.close()
    answered: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            cookies.append(value)
        elif name.lower() not in HOP_BY_HOP | OWN_HEADERS:
            answered[name.lower()] = value
    return Forwarded(response.status, answered, payload, cookies)


def _error(code: str, message: str) -> bytes:
    import json

    return json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()
