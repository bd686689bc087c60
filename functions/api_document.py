"""The OpenAPI document of the whole API: each function's resolver describes its routes, merged here
with who may call each route (from shoken.routes). Served by the local server at /api/openapi.json
and published with the web UIs at deploy time."""

from __future__ import annotations

import importlib
from typing import Any

from shoken import routes


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
    for route in routes.ROUTES:
        operation = document["paths"].get(route.path, {}).get(route.method.lower())
        if operation is not None:
            operation["x-shoken-gate"] = route.gate.value
            operation["x-shoken-roles"] = sorted(r.value for r in route.roles)
    return document
