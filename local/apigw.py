"""API Gateway HTTP API (payload 2.0) in miniature: requests become the events Lambda receives in AWS.

The local server and the tests both call `invoke`, so a handler sees the same event shape here as
behind the real API: routeKey from the route table, pathParameters, cookies, base64 bodies.
"""

from __future__ import annotations

import base64
import importlib
import json
import time
import uuid
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from shoken import routes


@dataclass
class LocalResponse:
    status: int
    headers: dict[str, str]
    cookies: list[str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class FakeLambdaContext:
    """What Lambda passes as `context`, with a real countdown so long jobs pause as they would."""

    function_name: str
    timeout_ms: int = 30_000
    memory_limit_in_mb: int = 512
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"
    started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:ap-northeast-1:000000000000:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self.timeout_ms - int((time.monotonic() - self.started) * 1000))


_modules: dict[str, ModuleType] = {}


def handler_module(area: str) -> ModuleType:
    if area not in _modules:
        _modules[area] = importlib.import_module(f"{area}.handler")
    return _modules[area]


def build_event(
    method: str,
    target: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    source_ip: str = "127.0.0.1",
) -> tuple[dict[str, Any], routes.Route | None]:
    parts = urlsplit(target)
    found = routes.match(method, parts.path)
    route, path_params = found if found else (None, {})
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    cookies = [c.strip() for c in lowered.pop("cookie", "").split(";") if c.strip()]
    query = parse_qsl(parts.query, keep_blank_values=True)
    content_type = lowered.get("content-type", "")
    is_text = body is None or content_type.startswith(("application/json", "text/"))
    if is_text and body:
        try:
            body.decode()
        except UnicodeDecodeError:
            is_text = False  # API Gateway base64-encodes a body that is not valid UTF-8, whatever its type
    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.key if route else "$default",
        "rawPath": parts.path,
        "rawQueryString": parts.query,
        "cookies": cookies,
        "headers": lowered,
        "queryStringParameters": dict(query) or None,
        "pathParameters": path_params or None,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": lowered.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": parts.path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": uuid.uuid4().hex,
            "routeKey": route.key if route else "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "body": (body or b"").decode() if is_text else base64.b64encode(body or b"").decode(),
        "isBase64Encoded": not is_text,
    }
    if not body:
        event["body"] = None
        event["isBase64Encoded"] = False
    return event, route


def invoke(
    method: str,
    target: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    source_ip: str = "127.0.0.1",
) -> LocalResponse:
    event, route = build_event(method, target, headers=headers, body=body, source_ip=source_ip)
    if route is None:
        payload = {"error": {"code": "not_found", "message": "対象が見つかりません。"}}
        return LocalResponse(
            404, {"content-type": "application/json"}, [], json.dumps(payload, ensure_ascii=False).encode()
        )
    module = handler_module(route.area.value)
    result = module.lambda_handler(event, FakeLambdaContext(function_name=f"shoken-{route.area.value}"))
    return from_result(result)


def from_result(result: dict[str, Any]) -> LocalResponse:
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
    headers = {k.lower(): str(v) for k, v in (result.get("headers") or {}).items()}
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers[name.lower()] = ", ".join(values)
    return LocalResponse(int(result.get("statusCode", 200)), headers, list(result.get("cookies") or []), body)
