"""No state leaks between invocations (issue 13.6): the caller's role and user, added to the log keys
of one request, are gone before the next request is handled (a warm Lambda reuses the logger)."""

from __future__ import annotations

from typing import Any

import pytest

from shoken import api
from shoken.observability import logger
from tests.integration.conftest import City, console_login
from tests.support.client import Client


def test_an_anonymous_call_after_a_signed_in_one_logs_no_role_or_user(
    city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed_in = console_login("ena-0001")
    seen: list[dict[str, Any]] = []
    original = api._dispatch

    def probe(app: api.Resolver, event: dict[str, Any]) -> dict[str, Any]:
        seen.append(dict(logger.get_current_keys()))  # what every log line of this request carries
        return original(app, event)

    monkeypatch.setattr(api, "_dispatch", probe)
    assert signed_in.get("/api/auth/me").status == 200
    anonymous = Client("admin").post("/api/auth/login", {"login_id": "nobody-here", "password": "wrong-Pass1"})
    assert anonymous.status in (400, 401), anonymous
    assert seen[0].get("role") == "committee_admin" and seen[0].get("user")
    assert "role" not in seen[1] and "user" not in seen[1], seen[1]
    assert "role" not in logger.get_current_keys() and "user" not in logger.get_current_keys()
