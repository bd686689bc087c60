"""The route table is well-formed and every route has a route function in its area."""

from __future__ import annotations

import importlib

from shoken import routes
from shoken.routes import Gate


def test_routes_are_unique_and_under_api() -> None:
    keys = [r.key for r in routes.ROUTES]
    assert len(keys) == len(set(keys))
    assert all(r.path.startswith("/api/") for r in routes.ROUTES)
    assert all(r.roles for r in routes.ROUTES if r.gate is Gate.SESSION)
    assert all(not r.roles for r in routes.ROUTES if r.gate is not Gate.SESSION)


def test_match_prefers_literal_segments_and_extracts_parameters() -> None:
    found = routes.match("GET", "/api/admin/users/00000101")
    assert found is not None
    route, params = found
    assert route.path == "/api/admin/users/{user_id}" and params == {"user_id": "00000101"}
    assert routes.match("DELETE", "/api/health") is None


def test_each_area_resolver_serves_exactly_its_routes() -> None:
    for area in routes.Area:
        expected = {(r.method, r.path) for r in routes.for_area(area)}
        if not expected:
            continue
        schema = importlib.import_module(f"{area.value}.handler").app.get_openapi_schema()
        documented = {
            (method.upper(), path)
            for path, item in (schema.paths or {}).items()
            for method in ("get", "post", "put", "patch", "delete")
            if getattr(item, method, None) is not None
        }
        assert documented == expected, area
