"""Money under a retry: a bulk grant (キャンペーン / 一括付与) sent twice, as a console does when the first
answer was lost (a time-out, a reload, a second click), must reach each resident once."""

from __future__ import annotations

from typing import Any

from local.streams import Stream
from tests.integration.conftest import wallet_login
from tests.integration.test_programmes_and_wallet import committee, programme
from tests.support.client import Client

__all__ = ["committee", "programme"]


def test_a_retried_bulk_grant_reaches_each_resident_once(
    committee: Client, programme: dict[str, Any], stream: Stream
) -> None:
    resident = wallet_login("resident1@example.jp")
    body = {
        "programme_id": programme["programme_id"],
        "name": "全市民5,000円付与",
        "amount": 5_000,
        "idempotency_key": "grant-retry-0000000001",  # the console's key for this one press of 付与
    }
    # When the clerk's first request went through but its answer was lost, and the console sends it again
    first = committee.post("/api/admin/grants", body)
    again = committee.post("/api/admin/grants", body)
    assert first.status == 200, first
    assert again.status in (200, 409), again
    stream.drain()
    # Then the resident holds 5,000, not 10,000, and the console lists one grant
    assert resident.get("/api/wallet/home").json["common"] == 5_000
    assert len(committee.get("/api/admin/grants").json["items"]) == 1


def test_the_same_grant_key_with_another_amount_is_refused(committee: Client, programme: dict[str, Any]) -> None:
    body = {
        "programme_id": programme["programme_id"],
        "name": "全市民5,000円付与",
        "amount": 5_000,
        "idempotency_key": "grant-retry-0000000002",
    }
    assert committee.post("/api/admin/grants", body).status == 200
    # A key belongs to one press of 付与: the same key with another amount is not that grant again
    changed = committee.post("/api/admin/grants", body | {"amount": 50_000})
    assert changed.status == 409 and changed.code == "idempotency_key_reused", changed
    assert "同じ操作キー" in changed.json["error"]["message"], changed
    assert len(committee.get("/api/admin/grants").json["items"]) == 1
    # Without a key nothing starts (a console that sends none would double-grant on a retry)
    keyless = {k: v for k, v in body.items() if k != "idempotency_key"}
    assert committee.post("/api/admin/grants", keyless).status == 400
