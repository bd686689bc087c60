"""A programme's money terms once value has been sold under them: the premium a resident paid for is
what every other buyer gets, and the audit log says what was changed."""

from __future__ import annotations

from typing import Any

import pytest

from shoken.db import programmes
from shoken.runtime import Runtime
from tests.integration.conftest import City, Shop, console_login

# Why each test below fails today, by its number in /work/helpers/redteam-findings.md (remove the mark with the fix).
F9 = (
    "functions/admin/programmes.py update SETs every field at any time: after sales, the premium "
    "(13,000 for 10,000) becomes 20,000 for the next buyer, and the audit entry does not say what changed"
)

KEY = "programme-attack-000001"


def terms(record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    shares = record["shares"]
    body = {
        "name": record["name"], "unit_price": int(record["unit_price"]),
        "unit_value": int(shares["common"]) + int(shares["dedicated"]),
        "common_share": int(shares["common"]), "dedicated_share": int(shares["dedicated"]),
        "sale_start": record["sale_start"], "sale_end": record["sale_end"],
        "use_start": record["use_start"], "use_end": record["use_end"], "limit_units": int(record["limit_units"]),
    }  # fmt: skip
    return body | changes


@pytest.mark.xfail(strict=True, reason=F9)
def test_the_premium_cannot_change_once_units_are_sold(shop: Shop, city: City, rt: Runtime) -> None:
    # Given one unit sold at the counter under 10,000 → 13,000
    committee = console_login("ena-0001")
    sold = committee.post(
        "/api/admin/charges",
        {"programme_id": "P1", "units": 1, "email": "hanako@example.jp", "idempotency_key": KEY},
    )
    assert sold.status == 200 and sold.json["amount"] == 13_000, sold
    record = programmes.get(rt.db, "P1")
    assert record is not None
    # When the clerk (or a hijacked console session) raises the value of a unit to 20,000
    changed = committee.put(
        "/api/admin/programmes/P1", terms(record, unit_value=20_000, common_share=10_000, dedicated_share=10_000)
    )
    # Then the money terms are refused while value sold under them exists (409, in Japanese)
    assert changed.status == 409 and changed.json["error"]["message"], changed
    after = programmes.get(rt.db, "P1")
    assert after is not None and after["shares"] == record["shares"]
