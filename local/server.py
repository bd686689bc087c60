"""`make run`: the whole of shoken on one machine, with no AWS account.

moto stands in for DynamoDB, SES and S3 in this process; every /api/ request becomes the API Gateway
event its Lambda handler gets in AWS; the three UIs, the OpenAPI document and a mailbox are served
beside it. Data is kept in .local/state across restarts (`make reset` starts over).
"""

from __future__ import annotations

import argparse
import errno
import html
import json
import mimetypes
import os
import re
import signal
import socket
import ssl
import sys
import threading
import time
import warnings
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, quote, unquote, urlsplit

from local import stack

ROOT = stack.ROOT
WEB = ROOT / "web"
# Static files taken from npm packages rather than copied into the repository.
VENDOR = {
    "jsQR.js": ROOT / "node_modules" / "jsqr" / "dist" / "jsQR.js",
}
URL_SAFE = "/?&=%:@!$'()*+,;~-._"
STATIC_PREFIXES = ("/admin/", "/merchant/", "/wallet/", "/shared/")
MAX_BODY = 12 * 1024 * 1024
# Local data is written to disk this often when it changed (and at shutdown); see local/snapshot.py.
SNAPSHOT_SECONDS = 15


class LocalStack:
    def __init__(
        self, state_dir: Path, base_url: str, *, moto_port: int | None = None, api_upstream: str | None = None
    ) -> None:
        self.state_dir = state_dir
        self.base_url = base_url
        # `make sam-api` (local/sam_bridge.py): moto over HTTP for the functions in Docker, /api/ to SAM.
        self.moto_port = moto_port
        self.api_upstream = api_upstream
        self.origin_secret = ""
        self.logins: list[dict[str, str]] = []
        self._openapi: bytes | None = None

    def start(self) -> None:
        from local import moto_shim, snapshot
        from shoken import runtime
        from shoken.runtime import Runtime

        stack.apply_environment(stack.environment(self.state_dir, self.base_url))
        self.moto = stack.start_moto()
        self.config = stack.LocalConfig.from_env()
        runtime.use(Runtime(config=self.config))
        self.lock = moto_shim.LOCK
        self.api_lock = threading.Lock()
        self.snapshots = snapshot.Snapshotter(self.state_dir, self.config.table_name, self.buckets, self.lock)
        with self.lock:
            stack.create_resources(self.config)
            self.data_note = self._load_or_seed(snapshot, runtime.get())
        if self.moto_port is not None:
            from local import sam_bridge

            self.origin_secret = sam_bridge.create_secrets(
                self.state_dir, stack.session_key_file(self.state_dir), stack.resident_key_file(self.state_dir)
            )
            # Every interface: a Lambda container reaches the host through the Docker bridge.
            sam_bridge.serve_moto("0.0.0.0", self.moto_port)  # noqa: S104
        print(self.data_note, flush=True)
        logins_file = self.state_dir / "demo-logins.json"
        self.logins = json.loads(logins_file.read_text()) if logins_file.exists() else []
        threading.Thread(target=self._snapshot_loop, name="snapshot", daemon=True).start()
        from local import streams

        # A fresh city's seed is processed by the stream consumers (report totals); a restored one was.
        self.stream = streams.Stream(self.config.table_name, from_start=not self.restored)
        self.stop = threading.Event()
        threading.Thread(target=streams.run_forever, args=(self.stream, self.stop), name="stream", daemon=True).start()
        threading.Thread(target=self._schedule_loop, name="schedule", daemon=True).start()

    def _load_or_seed(self, snapshot: Any, rt: Any) -> str:
        """Restore, migrate or (re)seed the local data, as its version stamp says; returns what was done."""
        from local import seed
        from local.mailbox import Mailbox

        plan = snapshot.plan(self.state_dir, snapshot.shape(self.config.table_name))
        self.restored = plan.action in ("restore", "migrate")
        if self.restored:
            self.mailbox = Mailbox(self.state_dir / "mail.jsonl")
            try:
                count = snapshot.restore(self.state_dir, self.config.table_name, plan.migrations)
            except Exception as error:
                snapshot.clear(self.config.table_name, self.buckets)
                plan = snapshot.Plan("reseed", f"its items did not load ({type(error).__name__}: {error})")
                self.restored = False
            else:
                self.mailbox.drain()  # mail sent while restoring is not news
                if plan.action == "migrate":
                    self.snapshots.save()
                    return f"local data: migrated {count} items ({plan.reason})"
                return f"local data: restored {count} items from {self.state_dir}"
        note = "local data: seeded the demo city"
        if plan.action == "reseed":
            kept = snapshot.set_aside(self.state_dir)
            note = f"local data: reseeded the demo city, because {plan.reason}; the old data is in {kept}"
        self.mailbox = Mailbox(self.state_dir / "mail.jsonl")
        logins = seed.seed(rt)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        (self.state_dir / "demo-logins.json").write_text(json.dumps(logins, ensure_ascii=False, indent=1))
        self.mailbox.drain()
        self.snapshots.save()
        return note

    def _schedule_loop(self) -> None:
        """EventBridge Scheduler in miniature: the daily jobs, at start and every 24 hours."""
        while not self.stop.is_set():
            self.run_schedule(None)
            self.stop.wait(24 * 3600)

    def run_schedule(self, date: str | None) -> dict[str, Any]:
        from local.apigw import FakeLambdaContext
        from workers import schedule

        result: dict[str, Any] = schedule.lambda_handler(
            {"date": date} if date else {}, FakeLambdaContext("shoken-schedule", 900_000)
        )
        return result

    def rebuild_totals(self, committee_id: str, date_from: str, date_to: str) -> dict[str, Any]:
        """What `aws lambda invoke` of the schedule function does in AWS (docs/deploy.md)."""
        from local.apigw import FakeLambdaContext
        from workers import schedule

        event = {"job": schedule.REBUILD_TOTALS, "committee_id": committee_id, "date_from": date_from}
        result: dict[str, Any] = schedule.lambda_handler(
            {**event, "date_to": date_to}, FakeLambdaContext("shoken-schedule", 900_000)
        )
        return result

    def migrate_history(self, date_from: str, date_to: str, committee_id: str) -> dict[str, Any]:
        """Queue the by_committee migration as `aws lambda invoke` does in AWS (docs/deploy.md)."""
        from local.apigw import FakeLambdaContext
        from workers import schedule

        event = {"job": schedule.MIGRATE_HISTORY, "date_from": date_from, "date_to": date_to or None}
        result: dict[str, Any] = schedule.lambda_handler(
            {**event, "committee_id": committee_id or None}, FakeLambdaContext("shoken-schedule", 900_000)
        )
        return result

    @property
    def buckets(self) -> list[str]:
        return [self.config.export_bucket, self.config.upload_bucket]

    def _snapshot_loop(self) -> None:
        while True:
            time.sleep(SNAPSHOT_SECONDS)
            try:
                self.save()  # cheap when nothing changed, and it catches the stream consumers' writes too
            except Exception as error:  # keep serving; the next round retries
                print(f"could not save local data: {error!r}", flush=True)

    def save(self) -> None:
        self.snapshots.save()

    def api(self, method: str, target: str, headers: dict[str, str], body: bytes, source_ip: str) -> Any:
        from local import apigw

        if self.api_upstream:
            from local import sam_bridge

            forwarded = sam_bridge.forward(self.api_upstream, method, target, headers, body, self.origin_secret)
            self.mailbox.drain()
            return forwarded
        # One API invocation at a time: Powertools keeps the current event on the resolver class
        # (harmless in Lambda, where a process serves one request at a time). moto calls are
        # serialized separately (moto_shim), so the stream consumer runs beside the API.
        with self.api_lock:
            response = apigw.invoke(method, target, headers=headers, body=body, source_ip=source_ip)
        self.mailbox.drain()
        return response

    def openapi(self) -> bytes:
        if self._openapi is None:
            import api_document

            self._openapi = json.dumps(api_document.build(), ensure_ascii=False, indent=1).encode()
        return self._openapi


def make_handler(local: LocalStack) -> type[BaseHTTPRequestHandler]:
    from shoken.web_headers import SECURITY_HEADERS

    class Handler(BaseHTTPRequestHandler):
        server_version = "shoken-local"
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            if os.environ.get("SHOKEN_ACCESS_LOG"):
                super().log_message(format, *args)

        def do_GET(self) -> None:
            self._dispatch()

        def do_POST(self) -> None:
            self._dispatch()

        def do_PUT(self) -> None:
            self._dispatch()

        def do_PATCH(self) -> None:
            self._dispatch()

        def do_DELETE(self) -> None:
            self._dispatch()

        def _dispatch(self) -> None:
            path = urlsplit(self.path).path
            length = int(self.headers.get("content-length") or 0)
            if length > MAX_BODY:
                self._send(
                    HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                    json.dumps(
                        {"error": {"code": "too_large", "message": "ファイルが大きすぎます。"}}, ensure_ascii=False
                    ).encode(),
                    "application/json",
                )
                return
            body = self.rfile.read(length) if length else b""
            if path == "/api/openapi.json":
                self._send(200, local.openapi(), "application/json")
            elif path.startswith("/api/"):
                headers = dict(self.headers.items())
                response = local.api(self.command, self.path, headers, body, self.client_address[0])
                self._send(
                    response.status,
                    response.body,
                    response.headers.get("content-type", "application/json"),
                    response.headers,
                    response.cookies,
                )
            elif path in ("/_local/mail", "/_local/mail/"):
                local.mailbox.drain()
                self._send(200, mail_page(local.mailbox.as_json()).encode(), "text/html; charset=utf-8")
            elif path == "/_local/mail.json":
                local.mailbox.drain()
                self._send(200, json.dumps(local.mailbox.as_json(), ensure_ascii=False).encode(), "application/json")
            elif path == "/_local/schedule" and self.command == "POST":
                date = parse_qs(urlsplit(self.path).query).get("date", [None])[0]
                self._send(200, json.dumps(local.run_schedule(date)).encode(), "application/json")
            elif path == "/_local/rebuild-totals" and self.command == "POST":
                query = parse_qs(urlsplit(self.path).query)
                result = local.rebuild_totals(
                    *(query.get(name, [""])[0] for name in ("committee", "date_from", "date_to"))
                )
                self._send(400 if "error" in result else 200, json.dumps(result).encode(), "application/json")
            elif path == "/_local/migrate-history" and self.command == "POST":
                query = parse_qs(urlsplit(self.path).query)
                result = local.migrate_history(
                    *(query.get(name, [""])[0] for name in ("date_from", "date_to", "committee"))
                )
                self._send(400 if "error" in result else 200, json.dumps(result).encode(), "application/json")
            elif path.startswith("/_local/s3/"):
                self._s3_link(path)
            elif self.command in ("GET", "HEAD"):
                self._static(path)
            else:
                self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"", "text/plain")

        def _s3_link(self, path: str) -> None:
            """Serve an S3 presigned link locally, checking its signature and expiry as S3 does."""
            from datetime import UTC, datetime

            import boto3

            from local import s3_links

            parts = urlsplit(self.path)
            refusal = s3_links.check(
                self.command,
                parts.path,
                parts.query,
                dict(self.headers.items()),
                access_key=os.environ["AWS_ACCESS_KEY_ID"],
                secret_key=os.environ["AWS_SECRET_ACCESS_KEY"],
                now=datetime.now(UTC),
            )
            if refusal is not None:
                self._send(HTTPStatus.FORBIDDEN, refusal.xml(), "application/xml")
                return
            query = dict(parse_qsl(parts.query))
            bucket, _, key = unquote(path[len("/_local/s3/") :]).partition("/")
            with local.lock:
                try:
                    obj = boto3.client("s3").get_object(Bucket=bucket, Key=key)
                except Exception:
                    missing = s3_links.Refusal("NoSuchKey", "The specified key does not exist.")
                    self._send(HTTPStatus.NOT_FOUND, missing.xml(), "application/xml")
                    return
                data = obj["Body"].read()
            # The signed response-* parameters override the stored metadata, as in S3.
            disposition = query.get("response-content-disposition") or obj.get("ContentDisposition") or "attachment"
            kind = query.get("response-content-type") or obj.get("ContentType") or "application/octet-stream"
            self._send(200, data, kind, {"content-disposition": disposition})

        def _static(self, path: str) -> None:
            if path == "/":
                file = WEB / "index.html"
            elif path.startswith("/vendor/"):
                file = VENDOR.get(path[len("/vendor/") :], WEB / "missing")
            elif path.startswith(STATIC_PREFIXES) or path in ("/admin", "/merchant", "/wallet"):
                if path in ("/admin", "/merchant", "/wallet"):
                    self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", {"location": path + "/"})
                    return
                file = (WEB / path.lstrip("/")).resolve()
                if file.is_dir():
                    file = file / "index.html"
                if WEB.resolve() not in file.parents:
                    file = WEB / "missing"
            else:
                file = WEB / "missing"
            if not file.is_file():
                self._send(HTTPStatus.NOT_FOUND, "ページが見つかりません。".encode(), "text/plain; charset=utf-8")
                return
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml", "application/json"):
                kind += "; charset=utf-8"
            self._send(200, file.read_bytes(), kind, {"cache-control": "no-cache"})

        def _send(
            self,
            status: int,
            body: bytes,
            content_type: str,
            headers: dict[str, str] | None = None,
            cookies: list[str] | None = None,
        ) -> None:
            self.send_response(status)
            sent = {"content-type"}
            self.send_header("Content-Type", content_type)
            for name, value in SECURITY_HEADERS.items():
                self.send_header(name, value)
                sent.add(name.lower())
            for name, value in (headers or {}).items():
                if name.lower() not in sent and name.lower() not in ("content-length", "connection"):
                    self.send_header(name, value)
            for cookie in cookies or []:
                self.send_header("Set-Cookie", cookie)
            self.send_header("Content-Length", str(len(body)))
            try:
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                # The browser went away (a closed tab, a cancelled download): nothing to answer.
                self.close_connection = True

    return Handler


def _jst(sent_at: str) -> str:
    """The local mailbox shows when a mail was sent in Japan time, as the people reading it live."""
    from shoken.clock import jst_display

    try:
        return jst_display(datetime.fromisoformat(sent_at))
    except ValueError:
        return sent_at


def mail_page(mails: list[dict[str, Any]]) -> str:
    rows = (
        "".join(
            f"<article class='mail'><h2>{html.escape(m['subject'])}</h2>"
            f"<p class='meta'>宛先: {html.escape(', '.join(m['to']))} ・ "
            f"差出人: {html.escape(m['source'])} ・ {html.escape(_jst(m['sent_at']))}</p>"
            f"<pre>{html.escape(m['body'])}</pre></article>"
            for m in mails
        )
        or "<p>まだメールはありません。</p>"
    )
    return (
        "<!doctype html><html lang='ja'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>ローカルメールボックス | shoken</title><link rel='stylesheet' href='/shared/app.css'></head>"
        "<body><main class='page'><h1>ローカルメールボックス</h1>"
        "<p>ローカル環境で送信されたメールです(新しい順)。最新の確認コードはここで確認できます。</p>"
        f"{rows}</main></body></html>"
    )


class LocalHTTPServer(ThreadingHTTPServer):
    """The local server; with a certificate, each connection's TLS handshake happens in its own thread
    (a slow or refusing client, like a phone still deciding about the certificate, holds up no one)."""

    daemon_threads = True
    tls: ssl.SSLContext | None = None
    public_address = "127.0.0.1"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that drops its connection (a closed tab, a cancelled upload, a phone out of signal)
        is no error of the server's: no traceback for it, only for what is one (issue 14.11)."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls is not None:
            try:
                request.settimeout(30)
                if request.recv(1, socket.MSG_PEEK) != b"\x16":  # not a TLS hello: plain http typed in
                    self._redirect_to_https(request)
                    return
                request = self.tls.wrap_socket(request, server_side=True)
                request.settimeout(None)
            except (OSError, ssl.SSLError):
                return  # the client refused the certificate or went away; it is told by its browser
        super().finish_request(request, client_address)

    def _redirect_to_https(self, request: socket.socket) -> None:
        lines = request.recv(8192).decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        target = parts[1] if len(parts) == 3 and parts[1].startswith("/") else "/"
        host = next((line[5:].strip() for line in lines[1:] if line.lower().startswith("host:")), "")
        if not re.fullmatch(r"[A-Za-z0-9.\-]+(:[0-9]+)?", host):
            host = f"{self.public_address}:{self.server_address[1]}"
        location = f"https://{host}{quote(target, safe=URL_SAFE)}"
        request.sendall(
            f"HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\nContent-Length: 0\r\n"
            "Connection: close\r\n\r\n".encode("latin-1")
        )


def main(argv: list[str] | None = None) -> None:
    from local import lan

    warnings.filterwarnings("ignore", "No application metrics to publish")  # Powertools, metrics are off

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--state", type=Path, default=Path(os.environ.get("SHOKEN_STATE", ROOT / ".local" / "state")))
    parser.add_argument("--moto-port", type=int, help="also serve moto over HTTP here (make sam-api)")
    parser.add_argument("--api-upstream", help="forward /api/ to this sam local start-api (make sam-api)")
    args = parser.parse_args(argv)
    on_lan = not lan.is_loopback(args.host)
    # HTTPS on the LAN unless HTTPS=0 (local/lan.py says why); HTTPS=1 asks for it on this PC too.
    https = os.environ.get("HTTPS", "1" if on_lan else "0") not in ("0", "", "false")
    address = lan.lan_address(args.host) if on_lan else args.host
    base_url = f"{'https' if https else 'http'}://{address}:{args.port}"
    if on_lan and not https:
        os.environ["COOKIE_SECURE"] = "false"  # a browser keeps no Secure cookie from plain http there
    local = LocalStack(args.state, base_url, moto_port=args.moto_port, api_upstream=args.api_upstream)
    # Listen first: a port in use is one line naming the fix, before any data is touched.
    try:
        server = LocalHTTPServer((args.host, args.port), make_handler(local))
    except OSError as error:
        from local.preflight import port_in_use

        reason = port_in_use(args.host, args.port) if error.errno == errno.EADDRINUSE else error.strerror
        sys.exit(f"cannot start: {reason}")
    fingerprint = None
    if https:
        certificate = lan.certificate(args.state / "tls", [address])
        server.tls = certificate.context()
        server.public_address = address
        fingerprint = certificate.fingerprint
    try:
        local.start()
    except Exception as error:
        from local.sam_bridge import BridgeError

        if not isinstance(error, BridgeError):
            raise
        sys.exit(f"cannot start: {error}")

    def stop(*_: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(banner(base_url, local.logins), flush=True)
    if args.api_upstream:
        print(
            f"make sam-api: /api/ goes to {args.api_upstream} (the functions in the Lambda images), which reach "
            f"this moto at port {args.moto_port}",
            flush=True,
        )
    if on_lan:
        print("\n".join(lan.phone_notes(base_url, fingerprint)), flush=True)
    try:
        server.serve_forever()
    finally:
        local.save()
        print("stopped; data kept in", args.state, flush=True)
        sys.stdout.flush()


def banner(base_url: str, logins: list[dict[str, str]]) -> str:
    lines = [
        "",
        "shoken is running locally (moto stands in for AWS).",
        f"  管理画面 (admin console)    {base_url}/admin/",
        f"  加盟店アプリ (merchant app) {base_url}/merchant/",
        f"  利用者アプリ (wallet)       {base_url}/wallet/",
        f"  メールボックス (mailbox)     {base_url}/_local/mail",
        f"  OpenAPI                     {base_url}/api/openapi.json",
        "",
        "Demo logins (first password = login ID; you will be asked to change it):",
    ]
    for entry in logins:
        lines.append(f"  {entry['app']:<9} {entry['role']:<12} {entry['login']:<28} {entry.get('note', '')}")
    lines.append("")
    lines.append("Stop with Ctrl-C; data is kept in .local/state ('make reset' starts over).")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
