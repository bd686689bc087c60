"""`HOST=0.0.0.0 make run` (issue 22.3): the local stack on the LAN over HTTPS, so a phone's camera and
the Secure sign-in cookies work there, with the address and the certificate's fingerprint printed."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from local import lan
from tests.e2e.conftest import PHONE, ROOT, context_options, free_port, launch
from tests.support import mailbox
from tests.support.client import Client, over_http

EVERY_INTERFACE = "0.0.0.0"  # noqa: S104 - what HOST=0.0.0.0 make run asks for


@dataclass
class LanServer:
    base_url: str  # as printed: the LAN address
    state: Path
    log: Path
    tls: ssl.SSLContext


def wait_for_log(log: Path, text: str, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log.read_text())
        if text in (content := log.read_text()):
            return content
        time.sleep(0.2)
    raise RuntimeError("no banner within 60 s:\n" + log.read_text())


@pytest.fixture(scope="module")
def lan_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LanServer]:
    state = tmp_path_factory.mktemp("lan") / "state"
    port = free_port()
    log = state.parent / "server.log"
    env = {
        **os.environ,
        "HOST": EVERY_INTERFACE,
        "PORT": str(port),
        "SHOKEN_STATE": str(state),
        "PASSWORD_HASH_LOG_N": "10",
    }
    env.pop("HTTPS", None)
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "local.server"], cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        wait_for_log(log, "SHA-256", process)
        tls = ssl.create_default_context(cafile=str(state / "tls" / "cert.pem"))
        yield LanServer(f"https://{lan.lan_address(EVERY_INTERFACE)}:{port}", state, log, tls)
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_the_banner_names_the_phone_address_why_https_and_the_certificate(lan_server: LanServer) -> None:
    printed = lan_server.log.read_text()
    assert f"{lan_server.base_url}/merchant/" in printed and f"{lan_server.base_url}/admin/" in printed
    assert "secure context" in printed
    cert = lan.certificate(lan_server.state / "tls", [lan.lan_address(EVERY_INTERFACE)])  # the same one, reused
    assert f"SHA-256 {cert.fingerprint}" in printed


def test_a_phone_signs_in_over_https_with_the_secure_cookies_of_aws(lan_server: LanServer) -> None:
    client = Client("wallet", over_http(lan_server.base_url, lan_server.tls))
    assert client.post("/api/wallet/auth/start", {"email": "phone@example.jp"}).status == 200
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=lan_server.tls))
    with opener.open(lan_server.base_url + "/_local/mail.json", timeout=10) as response:
        mails = list(reversed(json.loads(response.read())))
    verified = client.post("/api/auth/verify", {"code": mailbox.last_code("phone@example.jp", mails)})
    assert verified.status == 200
    assert any(c.startswith("__Host-shoken_") and "; Secure" in c for c in verified.cookies), verified.cookies
    assert client.get("/api/auth/me").json["user_id"] == verified.json["me"]["user_id"]


def test_plain_http_typed_on_the_phone_is_sent_to_https(lan_server: LanServer) -> None:
    address = lan_server.base_url.removeprefix("https://")

    class Keep(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    with pytest.raises(urllib.error.HTTPError) as redirected:
        urllib.request.build_opener(Keep()).open(f"http://{address}/merchant/?x=1", timeout=10)
    assert redirected.value.code == 301
    assert redirected.value.headers["Location"] == f"https://{address}/merchant/?x=1"


def test_the_merchant_page_on_the_lan_address_is_a_secure_context_with_a_camera_api(
    lan_server: LanServer, playwright: Any
) -> None:
    # The session's Playwright (a second sync_playwright() inside it would refuse to start).
    browser = launch(playwright)
    try:
        context = browser.new_context(**context_options(PHONE, ignore_https_errors=True))
        page = context.new_page()
        page.goto(lan_server.base_url + "/merchant/")
        assert page.evaluate("window.isSecureContext && typeof navigator.mediaDevices?.getUserMedia") == "function"
    finally:
        browser.close()


def test_plain_http_on_the_lan_drops_secure_from_the_cookies_and_names_the_camera_flag(tmp_path: Path) -> None:
    """HTTPS=0: a phone could not keep a Secure cookie from plain http, so sign-in would silently fail."""
    state, port = tmp_path / "state", free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "HOST": EVERY_INTERFACE, "PORT": str(port), "SHOKEN_STATE": str(state), "HTTPS": "0"}
    env["PASSWORD_HASH_LOG_N"] = "10"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "local.server"], cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        printed = wait_for_log(log, "unsafely-treat-insecure-origin-as-secure", process)
        base_url = f"http://{lan.lan_address(EVERY_INTERFACE)}:{port}"
        assert f"{base_url}/merchant/" in printed and not (state / "tls").exists()
        client = Client("wallet", over_http(base_url))
        assert client.post("/api/wallet/auth/start", {"email": "plain@example.jp"}).status == 200
        verified = client.post(
            "/api/auth/verify", {"code": mailbox.last_code("plain@example.jp", mailbox.sent_over_http(base_url))}
        )
        assert verified.status == 200 and verified.cookies
        assert all("Secure" not in c and not c.startswith("__Host-") for c in verified.cookies), verified.cookies
        assert client.get("/api/auth/me").status == 200
    finally:
        process.terminate()
        process.wait(timeout=20)
