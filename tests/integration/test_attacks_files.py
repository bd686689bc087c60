"""Names that people type, and the files and screens made from them: control characters and bidi
overrides have no business in a store's name, and the 支払通知書 PDF must print the name it was given."""

from __future__ import annotations

import pytest

from shoken.clock import FrozenClock
from tests.integration.conftest import City, Shop, console_login
from tests.integration.test_payments import pay
from tests.integration.test_payout_runs import ACCOUNT, SETTINGS, at, run_for

STORE = {"phone": "0573-00-0000", "large": False}


def rename(city: City, name: str) -> int:
    committee = console_login("ena-0001")
    reply = committee.put(f"/api/admin/stores/{city.store['store_id']}", {**STORE, "name": name})
    assert reply.status in (200, 400), reply
    if reply.status == 400:
        assert reply.code == "invalid_request" and reply.json["error"]["message"], reply
    return reply.status


@pytest.mark.parametrize("name", ["テスト\x00店舗", "テスト\x0b店舗", "店舗\u202e名gnp.exe", "店舗\u200b名"])
def test_a_store_name_with_control_or_bidi_characters_is_refused(city: City, name: str) -> None:
    assert rename(city, name) == 400


def test_the_statement_prints_the_store_name_it_was_given(
    shop: Shop, city: City, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a store named with an emoji (accepted today), which has been paid in the period
    if rename(city, "寿司処🍣えな") == 400:
        return  # refused when typed: nothing can print wrongly
    pay(shop.till, shop.token(), 3_000)
    console_login("ena-0002").put(
        f"/api/admin/stores/{city.store['store_id']}/payout-account", {**ACCOUNT, "account_number": "1111111"}
    )
    console_login("ena-0001").put("/api/admin/committees/1/payout-settings", SETTINGS)
    clock.set(at("2026-12-01T09:00:00"))
    committee = console_login("ena-0001")
    run = run_for(committee, "2026-11-30").json
    # When the company's 支払通知書 is made
    pdf = committee.get(f"/api/admin/payout-runs/{run['run_id']}/statements/{city.company['company_id']}")
    # Then it is made, with every character of the name drawn
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF")
    assert "missing the following glyphs" not in caplog.text
