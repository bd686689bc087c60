"""A small HTTP client for tests that keeps cookies and the CSRF header like the browser UIs do.

The same client drives the handlers in-process (API Gateway events through local.apigw) and the
local server over real HTTP, so integration and end-to-end tests read alike.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from local import apigw


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    cookies: list[str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body or b"null")

    @property
    def code(self) -> str | None:
        data = self.json
        return data.get("error", {}).get("code") if isinstance(data, dict) else None

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.body[:300]!r})"


Transport = Callable[..., Reply]  # (method, path, headers, body, *, source_ip) -> Reply


def in_process(
    method: str, path: str, headers: dict[str, str], body: bytes | None, *, source_ip: str = "127.0.0.1"
) -> Reply:
    response = apigw.invoke(method, path, headers=headers, body=body, source_ip=source_ip)
    return Reply(response.status, response.headers, response.cookies, response.body)


def over_http(base_url: str, tls: ssl.SSLContext | None = None) -> Transport:
    """Requests to a running server; over HTTPS, `tls` says which certificate to trust.

    The server sees the socket's address: a source_ip the in-process transport can fake is not sent."""
    opener = urllib.request.build_opener(*([urllib.request.HTTPSHandler(context=tls)] if tls else []))

    def send(method: str, path: str, headers: dict[str, str], body: bytes | None, **_: str) -> Reply:
        request = urllib.request.Request(base_url + path, data=body, method=method, headers=headers)  # noqa: S310
        try:
            with opener.open(request, timeout=30) as response:
                return Reply(
                    response.status,
                    dict(response.headers),
                    response.headers.get_all("Set-Cookie") or [],
                    response.read(),
                )
        except urllib.error.HTTPError as error:
            return Reply(error.code, dict(error.headers), error.headers.get_all("Set-Cookie") or [], error.read())

    return send


@dataclass
class Client:
    app: str  # "admin", "merchant" or "wallet"
    transport: Transport = in_process
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str | None = None
    source_ip: str = "127.0.0.1"

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
        content_type: str = "application/json",
    ) -> Reply:
        sent = {"X-Shoken-App": self.app, "User-Agent": "shoken-tests"}
        if self.csrf:
            sent["X-CSRF-Token"] = self.csrf
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = raw
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
        if data is not None:
            sent["Content-Type"] = content_type
        sent.update(headers or {})
        reply = self.transport(method, path, sent, data, source_ip=self.source_ip)
        self._keep(reply)
        return reply

    def get(self, path: str, **kw: Any) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.request("POST", path, {} if body is None and "raw" not in kw else body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.request("PUT", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Reply:
        return self.request("DELETE", path, **kw)

    def _keep(self, reply: Reply) -> None:
        for cookie in reply.cookies:
            pair, *attributes = [part.strip() for part in cookie.split(";")]
            name, _, value = pair.partition("=")
            if any(a.lower() == "max-age=0" for a in attributes) or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        if reply.status < 400 and reply.body[:1] == b"{":
            data = reply.json
            if isinstance(data, dict) and isinstance(data.get("csrf_token"), str):
                self.csrf = data["csrf_token"]
