"""購入 (issue 15.5): for a programme sold by lottery, 店頭チャージ checks the buyer's 当選 units and consumes
them in the charge's own transaction, until the 購入期限; nobody else can buy it over the counter."""

from __future__ import annotations

from typing import Any

import pytest

from local.streams import Stream
from shoken import allocation, sale
from shoken.db import keys
from shoken.db.dynamo import TransactionFailed
from shoken.runtime import Runtime
from tests.integration.conftest import City, console_login, wallet_login
from tests.integration.test_sale_applications import code
from tests.support.client import Client
from tests.support.sale import HANAKO, JIRO, TARO, WINDOW, applied, open_sale
from tests.support.world import World

SALE = WINDOW | {"units_on_sale": 4, "purchase_end": "2026-12-20"}


def me(client: Client) -> str:
    return str(client.get("/api/auth/me").json["user_id"])


def charge(committee: Client, wallet_id: str, units: int, key: str) -> Any:
    body = {"programme_id": "P1", "units": units, "idempotency_key": f"sale-purchase-{key:0>8}", "wallet_id": wallet_id}
    return committee.post("/api/admin/charges", body)


def taro_3_and_hanako_1_applied(city: City, world: World, stream: Stream) -> tuple[Client, dict[str, str]]:
    """P1 on SALE (4 units); Taro applied for 3 and Hanako for 1 in their wallets: the console, wallet ids."""
    world.programme(city.committee, limit_units=5)
    committee = console_login("ena-0001")
    open_sale(committee, stream, SALE)
    wallets = {}
    for email, person, units in (("taro@example.jp", TARO, 3), ("hanako@example.jp", HANAKO, 1)):
        _, wallets[email] = applied(email, person, units)
    return committee, wallets


@pytest.fixture
def sold(city: City, world: World, stream: Stream, clock: Any) -> dict[str, Any]:
    """Taro asked for 3 and Hanako for 1 of 4 units on sale (both served in full); drawn on 12/11."""
    committee, wallets = taro_3_and_hanako_1_applied(city, world, stream)
    outsider = wallet_login("outsider@example.jp")
    wallets["outsider@example.jp"] = me(outsider)
    # Before the draw, nobody can buy this programme at the counter
    assert code(charge(committee, wallets["taro@example.jp"], 1, "early")) == "not_drawn"
    clock.advance(days=12)
    committee = console_login("ena-0001")
    assert committee.post("/api/admin/programmes/P1/draw", {"rule": "lot"}).status == 200
    stream.drain()
    return {"committee": committee, "wallets": wallets}


def test_a_winner_buys_at_the_counter_up_to_the_units_won(sold: dict[str, Any], rt: Runtime) -> None:
    committee, wallets = sold["committee"], sold["wallets"]
    taro = wallets["taro@example.jp"]
    # When Taro buys 2 of his 3 units, then tries 2 more
    first = charge(committee, taro, 2, "a")
    assert first.status == 200 and first.json["units"] == 2, first
    over = charge(committee, taro, 2, "b")
    assert over.status == 409 and code(over) == "over_allocation" and "残り1冊" in over.json["error"]["message"]
    # Then the refused charge added nothing, and the last unit can still be bought
    assert charge(committee, taro, 1, "c").status == 200
    status = wallet_login("taro@example.jp").get("/api/wallet/sale/P1").json
    assert (status["result"], status["won_units"], status["purchased_units"]) == ("won", 3, 3)
    assert status["purchase_end"] == "2026-12-20"
    person = sale.wallet_person(rt, "P1", taro)
    assert person is not None
    record = rt.db.get(keys.application("P1", person))
    assert record is not None and int(record["purchased_units"]) == 3
    # And a retried click (same idempotency key) consumes nothing twice
    assert charge(committee, taro, 1, "c").status == 200
    assert int((rt.db.get(keys.application("P1", person)) or {})["purchased_units"]) == 3
    # The console's figures follow: 3 on the list, 2 applications for 4 of 4 units, 4 won, 3 bought, 1 not yet
    counts = committee.get("/api/admin/programmes/P1/sale").json["counts"]
    assert counts == {
        "eligible": 3, "applications": 2, "units_asked": 4, "units_on_sale": 4,
        "winners": 2, "units_won": 4, "units_paid": 3, "units_unpaid": 1,
    }  # fmt: skip
    # Someone who did not apply cannot buy the programme at all
    refused = charge(committee, wallets["outsider@example.jp"], 1, "d")
    assert refused.status == 409 and code(refused) == "not_a_winner"


def test_after_the_purchase_deadline_the_units_won_cannot_be_bought(sold: dict[str, Any], clock: Any) -> None:
    clock.advance(days=10)  # 2026-12-21, the day after the 購入期限
    committee = console_login("ena-0001")
    late = charge(committee, sold["wallets"]["hanako@example.jp"], 1, "late")
    assert late.status == 409 and code(late) == "purchase_deadline_passed" and "2026-12-20" in str(late.json)


def test_two_counters_selling_the_last_units_at_once_sell_them_once(sold: dict[str, Any], rt: Runtime) -> None:
    hanako = sold["wallets"]["hanako@example.jp"]
    programme = rt.db.get(keys.programme("P1"))
    assert programme is not None
    # Given two counters that both read Hanako's 1 unit as still to buy
    first = sale.counter_allocation(rt, programme, hanako, 1)
    second = sale.counter_allocation(rt, programme, hanako, 1)
    assert first is not None and second is not None
    # When both consume it, the second's condition fails
    rt.db.transact([first[0]])
    with pytest.raises(TransactionFailed):
        rt.db.transact([second[0]])
    # And through the API the unit is gone
    assert code(charge(sold["committee"], hanako, 1, "e")) == "over_allocation"


def test_the_purchase_deadline_must_fall_between_close_and_the_sale_end(city: City, world: World) -> None:
    world.programme(city.committee, limit_units=5)
    committee = console_login("ena-0001")
    for bad in ("2026-12-10", "2027-03-01"):
        reply = committee.put("/api/admin/programmes/P1/sale", SALE | {"purchase_end": bad})
        assert reply.status == 400 and reply.json["error"]["details"][0]["field"] == "purchase_end", bad
    assert committee.put("/api/admin/programmes/P1/sale", SALE).json["settings"]["purchase_end"] == "2026-12-20"


def test_unbought_units_lapse_at_the_deadline_and_go_to_a_second_round(
    city: City, world: World, stream: Stream, clock: Any, rt: Runtime
) -> None:
    # Given 4 units, equal share then lot: Taro asked 3, Hanako 1, Jiro (paper) 3
    committee, ids = taro_3_and_hanako_1_applied(city, world, stream)
    assert committee.post("/api/admin/programmes/P1/applications", JIRO | {"units": 3}).status == 200
    clock.advance(days=12)
    committee = console_login("ena-0001")
    committee.post("/api/admin/programmes/P1/draw", {"rule": "equal_then_lot"})
    stream.drain()
    taro_won = wallet_login("taro@example.jp").get("/api/wallet/sale/P1").json["won_units"]
    assert taro_won in (1, 2)
    # A second round before the 購入期限 is refused
    early = committee.post("/api/admin/programmes/P1/second-round", {"purchase_end": "2026-12-27"})
    assert code(early) == "purchase_open" and "2026-12-20" in early.json["error"]["message"]
    # Taro buys what he won; Hanako buys nothing, Jiro (paper) neither
    assert charge(committee, ids["taro@example.jp"], taro_won, "r1").status == 200
    # When the deadline has passed, Hanako's unit has lapsed
    clock.advance(days=10)  # 2026-12-21
    committee = console_login("ena-0001")
    assert code(charge(committee, ids["hanako@example.jp"], 1, "late")) == "purchase_deadline_passed"
    bad = committee.post("/api/admin/programmes/P1/second-round", {"purchase_end": "2026-12-01"})
    assert bad.status == 400 and bad.json["error"]["details"][0]["field"] == "purchase_end"
    started = committee.post("/api/admin/programmes/P1/second-round", {"purchase_end": "2026-12-27"})
    assert started.status == 200 and started.json["second_round"]["state"] == "drawing", started
    stream.drain()
    # Then the lapsed units (Hanako's and Jiro's) go to Taro, the only applicant not fully served
    second = committee.get("/api/admin/programmes/P1/sale").json["second_round"]
    assert second["state"] == "drawn" and second["pool"] == 4 - taro_won
    assert (second["applicants"], second["winners"], second["units_won"]) == (1, 1, 3 - taro_won)
    taro = wallet_login("taro@example.jp").get("/api/wallet/sale/P1").json
    assert (taro["second_round_units"], taro["second_round_end"]) == (3 - taro_won, "2026-12-27")
    hanako = wallet_login("hanako@example.jp").get("/api/wallet/sale/P1").json
    assert hanako["lapsed"] is True and hanako["second_round_units"] == 0
    # And Taro buys the second round's units until its own deadline, no more
    assert charge(committee, ids["taro@example.jp"], 3 - taro_won, "r2").status == 200
    assert code(charge(committee, ids["taro@example.jp"], 1, "r2-more")) == "over_allocation"
    assert code(charge(committee, ids["hanako@example.jp"], 1, "r2-hanako")) == "purchase_deadline_passed"
    # The result is the rule applied to the stored first round with the audited seed; running again changes nothing
    record = sale.settings(rt, "P1")
    assert record is not None
    lapsing, wanting = sale.second_round_input(sale.applications(rt, "P1"))
    recomputed = allocation.allocate(
        wanting, sum(lapsing.values()), allocation.Rule.EQUAL_THEN_LOT, str(record["round2_seed"])
    )
    assert recomputed == {
        h: int(a["won2_units"])
        for h, a in ((str(a["L1SK"]), a) for a in sale.applications(rt, "P1"))
        if "won2_units" in a
    }
    sale.finish_second_round(rt, "P1")
    assert sale.second_round_input(sale.applications(rt, "P1")) == (lapsing, wanting)
    assert code(committee.post("/api/admin/programmes/P1/second-round", {"purchase_end": "2026-12-27"})) == (
        "already_drawn"
    )
    seeds = committee.get("/api/admin/audit?date_from=2026-12-21&date_to=2026-12-21&action=draw_seed").json["items"]
    assert [e["detail"]["seed"] for e in seeds] == [second["seed"]]
