"""The route table is well-formed and every route has a route function in its area."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from shoken import routes
from shoken.routes import Gate
from shoken.validation import UPLOAD_BODY_LIMIT


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


def test_every_route_that_reads_a_file_accepts_a_files_size() -> None:
    """A route function that reads the raw body takes an uploaded file (マスタ, 住民名簿, 入金データ,
    引換コード): its route must allow a file's size, not a JSON body's (a city's resident list of
    48,000 people is about 2 MB; the JSON limit refused anything over 256 KB)."""
    decorated = re.compile(r'@app\.(get|post|put|delete)\("([^"]+)"')
    readers = set()
    for handler in Path(__file__).parents[2].glob("functions/*/handler.py"):
        for chunk in handler.read_text().split("\n@app.")[1:]:
            found = decorated.match("@app." + chunk)
            assert found, chunk[:80]
            if "api.raw_body()" in chunk:
                readers.add((found[1].upper(), re.sub(r"<(\w+)>", r"{\1}", found[2])))
    assert len(readers) >= 4, readers
    limits = {(r.method, r.path): r.body_limit for r in routes.ROUTES}
    assert {key: limits[key] for key in readers} == dict.fromkeys(readers, UPLOAD_BODY_LIMIT)
