"""The local server over real HTTP: API events, security headers, static UIs, mailbox, OpenAPI (issue 2)."""

from __future__ import annotations

import json
import urllib.request
from email.message import Message

from shoken import routes
from shoken.web_headers import SECURITY_HEADERS
from tests.e2e.conftest import LocalServer, start_server
from tests.support.client import Client, over_http


def fetch(server: LocalServer, path: str) -> tuple[int, Message, bytes]:
    """Status, headers (case-insensitive, as HTTP headers are) and body."""
    with urllib.request.urlopen(server.base_url + path, timeout=10) as response:  # noqa: S310
        return response.status, response.headers, response.read()


def test_health_and_site_go_through_the_real_handlers(server: LocalServer) -> None:
    client = Client("admin", over_http(server.base_url))
    assert client.get("/api/health").json == {"status": "ok", "stage": "local"}
    site = client.get("/api/site").json
    assert site["committees"][0]["name"] == "恵那市商品券事業実行委員会"


def test_every_page_and_api_response_carries_the_security_headers(server: LocalServer) -> None:
    for path in ("/admin/", "/merchant/", "/wallet/", "/api/health", "/shared/app.css"):
        _, headers, _ = fetch(server, path)
        for name, value in SECURITY_HEADERS.items():
            assert headers.get(name) == value, (path, name)
    _, headers, _ = fetch(server, "/api/health")
    assert headers["Cache-Control"] == "no-store"


def test_openapi_document_lists_every_route_with_its_gate(server: LocalServer) -> None:
    _, _, body = fetch(server, "/api/openapi.json")
    document = json.loads(body)
    for route in routes.ROUTES:
        operation = document["paths"][route.path][route.method.lower()]
        assert operation["x-shoken-gate"] == route.gate.value


def test_unknown_api_route_is_a_json_404(server: LocalServer) -> None:
    reply = Client("admin", over_http(server.base_url)).get("/api/nothing-here")
    assert reply.status == 404 and reply.code == "not_found"


def test_mailbox_shows_sent_mail(server: LocalServer) -> None:
    client = Client("wallet", over_http(server.base_url))
    assert client.post("/api/wallet/auth/start", {"email": "mailbox-check@example.jp"}).status == 200
    assert any("mailbox-check@example.jp" in m["to"] for m in server.mails())
    status, _, page = fetch(server, "/_local/mail")
    assert status == 200 and "mailbox-check@example.jp" in page.decode()


def test_data_survives_a_restart(tmp_path) -> None:
    state = tmp_path / "state"
    first = start_server(state)
    try:
        client = Client("wallet", over_http(first.base_url))
        client.post("/api/wallet/auth/start", {"email": "keeps@example.jp"})
        from tests.support import mailbox

        code = mailbox.last_code("keeps@example.jp", first.mails())
        wallet_id = client.post("/api/auth/verify", {"code": code}).json["me"]["user_id"]
    finally:
        first.process.terminate()
        first.process.wait(timeout=20)
    second = start_server(state)
    try:
        again = Client("wallet", over_http(second.base_url), cookies=dict(client.cookies), csrf=client.csrf)
        assert again.get("/api/auth/me").json["user_id"] == wallet_id
    finally:
        second.process.terminate()
        second.process.wait(timeout=20)
