"""Money under a retry: a bulk grant (キャンペーン / 一括付与) sent twice, as a console does when the first
answer was lost (a time-out, a reload, a second click), must reach each resident once."""

from __future__ import annotations

from typing import Any

import pytest

from local.streams import Stream
from tests.integration.conftest import wallet_login
from tests.integration.test_programmes_and_wallet import committee, programme
from tests.support.client import Client

# Why each test below fails today, by its number in /work/helpers/redteam-findings.md (remove the mark with the fix).
F13 = (
    "functions/admin/grants.py start() draws a new random grant id for every POST and GrantRequest has no "
    "idempotency key: a retried 一括付与 starts a second job and every resident is granted twice"
)

__all__ = ["committee", "programme"]


@pytest.mark.xfail(strict=True, reason=F13)
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
