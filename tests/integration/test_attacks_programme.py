"""A programme's money terms once value has been sold under them: the premium a resident paid for is
what every other buyer gets, and the audit log says what was changed."""

from __future__ import annotations

from typing import Any

from shoken.clock import jst_date
from shoken.db import programmes
from shoken.runtime import Runtime
from tests.integration.conftest import City, Shop, console_login

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


def test_terms_change_before_the_sale_and_every_change_is_audited(shop: Shop, city: City, rt: Runtime) -> None:
    committee = console_login("ena-0001")
    record = programmes.get(rt.db, "P1")
    assert record is not None
    # Once the sale has started, the name and the sale's end may still change; the premium may not
    renamed = committee.put("/api/admin/programmes/P1", terms(record, name="恵那市プレミアム商品券 (延長)"))
    assert renamed.status == 200, renamed
    raised = committee.put("/api/admin/programmes/P1", terms(record, unit_price=9_000))
    assert raised.status == 409 and raised.code == "programme_terms_frozen", raised
    assert "販売価格" in raised.json["error"]["message"], raised
    # The 監査ログ says what changed, before and after, in Japanese
    today = jst_date(rt.clock.now())
    entries = committee.get(f"/api/admin/audit?date_from={today}&date_to={today}&action=programme_updated").json[
        "items"
    ]
    assert any("事業名:" in str(e) and "(延長)" in str(e) for e in entries), entries
    # A programme whose sale has not started takes new terms
    later = committee.post(
        "/api/admin/programmes",
        terms(record, name="来年度の商品券", sale_start="2027-04-01", sale_end="2027-05-31")
        | {"use_start": "2027-04-01", "use_end": "2027-09-30"},
    )
    assert later.status == 200, later
    changed = committee.put(
        f"/api/admin/programmes/{later.json['programme_id']}",
        terms(programmes.get(rt.db, later.json["programme_id"]) or {}, unit_price=9_000),
    )
    assert changed.status == 200 and changed.json["unit_price"] == 9_000, changed
