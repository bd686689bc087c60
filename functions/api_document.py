"""The OpenAPI document of the whole API: each function's resolver describes its routes, merged here
with who may call each route (from shoken.routes). Served by the local server at /api/openapi.json
and published with the web UIs at deploy time."""

from __future__ import annotations

import importlib
from typing import Any

from shoken import routes, validation


def build(version: str = "1.0.0") -> dict[str, Any]:
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "shoken API", "version": version, "description": "プレミアム付き電子商品券 shoken の API"},
        "paths": {},
        "components": {"schemas": {}},
    }
    for area in routes.Area:
        if not routes.for_area(area):
            continue
        app = importlib.import_module(f"{area.value}.handler").app
        part = app.get_openapi_schema(title="shoken", version=version).model_dump(
            mode="json", by_alias=True, exclude_none=True
        )
        for path, operations in part.get("paths", {}).items():
            document["paths"].setdefault(path, {}).update(operations)
        document["components"]["schemas"].update(part.get("components", {}).get("schemas", {}))
    document["components"]["schemas"]["ErrorBody"] = ERROR_BODY
    for route in routes.ROUTES:
        operation = document["paths"].get(route.path, {}).get(route.method.lower())
        if operation is None:
            continue
        operation["x-shoken-gate"] = route.gate.value
        operation["x-shoken-roles"] = sorted(r.value for r in route.roles)
        if "requestBody" in operation:
            operation["x-shoken-max-body-bytes"] = route.body_limit
        responses = operation.setdefault("responses", {})
        # Request validation answers 400 with shoken's error body (api.py), not Powertools' 422.
        responses.pop("422", None)
        for status, description in ERRORS.items():
            if status == "413" and "requestBody" not in operation:
                continue
            responses[status] = {
                "description": description,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
            }
        if route.path.endswith(".csv"):
            csv = {"text/csv": {"schema": {"type": "string"}}}
            responses["200"] = {"description": "CSV (UTF-8 with BOM)", "content": csv}
        if route.path.endswith(".xlsx"):
            xlsx = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string"}}}
            responses["200"] = {"description": "XLSX (Excel)", "content": xlsx}
    return document


# Every error answer has the same body: a stable code and a Japanese message (shoken/errors.py).
ERROR_BODY = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "array", "items": {"type": "object"}},
                "retry_after": {
                    "type": "integer",
                    "description": "429: seconds until a retry may pass (also Retry-After)",
                },
            },
        }
    },
}
ERRORS = {
    "400": f"入力内容の誤り (invalid input; JSON nested deeper than {validation.JSON_DEPTH_LIMIT} levels)",
    "401": "未ログイン・セッション切れ (not signed in)",
    "403": "権限なし (role not allowed, or CSRF check failed)",
    "404": "対象なし、または権限の範囲外 (not found, or outside the caller's scope)",
    "409": "状態の競合 (conflict: already done, insufficient balance …)",
    "413": (
        f"送信データが大きすぎる (body over the limit: {validation.JSON_BODY_LIMIT // 1024} KB for JSON, "
        f"{validation.UPLOAD_BODY_LIMIT // (1024 * 1024)} MB for an uploaded file; see x-shoken-max-body-bytes)"
    ),
    "423": "アカウント・端末のロック (locked)",
    "429": "回数制限 (rate limited)",
    "500": "システムエラー (a bug: logged with its trace)",
    "503": "一時的に利用不可 (retry with the same idempotency key)",
}
