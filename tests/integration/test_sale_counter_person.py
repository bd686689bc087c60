"""購入 at the counter by the person, not the wallet (issue 15.5, 15.2): a paper applicant who won has no
wallet of his own, so the clerk identifies him (the card issued from the list, or his resident fields
typed at the counter) and his 当選 units go into one wallet only; a チャージ取消 gives them back."""

from __future__ import annotations

from typing import Any

import pytest

from local.streams import Stream
from shoken import sale
from shoken.clock import jst_date
from shoken.db import keys
from shoken.runtime import Runtime
from tests.integration.conftest import City, console_login, wallet_login
from tests.integration.test_sale_applications import code
from tests.integration.test_sale_purchase import me, sold
from tests.support.client import Client
from tests.support.sale import HANAKO, JIRO, TARO, WINDOW, applied, open_sale
from tests.support.world import World

__all__ = ["sold"]


@pytest.fixture
def drawn(city: City, world: World, stream: Stream, clock: Any) -> dict[str, Any]:
    """Taro (app) asked for 2, Hanako (app) for 1 and Jiro (paper) for 2 of 5 units: all served; drawn."""
    world.programme(city.committee, limit_units=5)
    committee = console_login("ena-0001")
    open_sale(committee, stream, WINDOW | {"units_on_sale": 5})
    wallets = {}
    for email, person, units in (("taro@example.jp", TARO, 2), ("hanako@example.jp", HANAKO, 1)):
        _, wallets[email] = applied(email, person, units)
    wallets["son@example.jp"] = me(wallet_login("son@example.jp"))  # an app eligible as nobody
    assert committee.post("/api/admin/programmes/P1/applications", JIRO | {"units": 2}).status == 200
    clock.advance(days=12)
    committee = console_login("ena-0001")
    assert committee.post("/api/admin/programmes/P1/draw", {"rule": "lot"}).status == 200
    stream.drain()
    return {"committee": committee, "wallets": wallets}


def buy(committee: Client, wallet_id: str, units: int, key: str, resident: dict[str, str] | None = None) -> Any:
    body: dict[str, Any] = {"programme_id": "P1", "units": units, "wallet_id": wallet_id}
    body |= {"idempotency_key": f"counter-person-{key:0>8}"} | ({"resident": resident} if resident else {})
    return committee.post("/api/admin/charges", body)


def jiro(rt: Runtime) -> dict[str, Any]:
    person = sale.person_hash(rt, "P1", JIRO["resident_key"], JIRO["name_kana"], JIRO["birth_date"])
    return rt.db.get(keys.application("P1", person)) or {}


def issue_card(committee: Client, who: dict[str, str]) -> str:
    card = committee.post(
        "/api/admin/cards", {"programme_id": "P1", "resident": who, "reason": "counter_identity", "pin": "4071"}
    )
    assert card.status == 200, card
    return str(card.json["cards"][0]["wallet_id"])


def test_a_paper_winner_named_at_the_counter_buys_into_one_wallet_only(drawn: dict[str, Any], rt: Runtime) -> None:
    committee, son = drawn["committee"], drawn["wallets"]["son@example.jp"]
    # Without naming the person, the app (eligible as nobody) is refused, and told how to name him
    refused = buy(committee, son, 1, "unnamed")
    assert code(refused) == "not_a_winner" and "住民番号" in refused.json["error"]["message"], refused
    # When the clerk types Jiro's details (as on his 申込書) and charges 1 unit to the app he brought
    first = buy(committee, son, 1, "typed", JIRO)
    assert first.status == 200 and first.json["units"] == 1, first
    assert int(jiro(rt)["purchased_units"]) == 1 and jiro(rt)["buyer_wallet_id"] == son
    # Then his units are in that wallet: a card issued to him later cannot take the rest
    card = issue_card(committee, JIRO)
    elsewhere = buy(committee, card, 1, "card")
    assert elsewhere.status == 409 and code(elsewhere) == "won_units_in_other_wallet", elsewhere
    # And the same wallet buys the rest, no more than he won
    assert code(buy(committee, son, 2, "over", JIRO)) == "over_allocation"
    assert buy(committee, son, 1, "rest", JIRO).status == 200
    # The console's figures count a paper winner's purchase as paid
    counts = committee.get("/api/admin/programmes/P1/sale").json["counts"]
    assert (counts["units_won"], counts["units_paid"]) == (5, 2)
    audit = committee.get("/api/admin/audit?date_from=2026-12-11&date_to=2026-12-11&action=store_charge").json
    assert len(audit["items"]) == 2 and all(e["detail"].get("resident_matched") for e in audit["items"]), audit


def test_a_cancel_frees_a_paper_winners_units_for_the_right_wallet(drawn: dict[str, Any], rt: Runtime) -> None:
    committee, son = drawn["committee"], drawn["wallets"]["son@example.jp"]
    # Given Jiro's 2 units charged by mistake to the app he brought, then cancelled (money handed back)
    wrong = buy(committee, son, 2, "wrong", JIRO)
    assert wrong.status == 200, wrong
    assert committee.post(f"/api/admin/charges/{wrong.json['number']}/cancel").status == 200
    # Then nothing of his is bought, and the wallet is no longer his
    record = jiro(rt)
    assert int(record["purchased_units"]) == 0 and "buyer_wallet_id" not in record, record
    # And the card issued to him from the list takes them, with no details to type again
    card = issue_card(committee, JIRO)
    assert buy(committee, card, 2, "card").status == 200
    assert int(jiro(rt)["purchased_units"]) == 2 and jiro(rt)["buyer_wallet_id"] == card


def test_the_person_named_must_be_the_wallets_or_the_cards(drawn: dict[str, Any]) -> None:
    committee, wallets = drawn["committee"], drawn["wallets"]
    # Taro's app is his: Jiro's units cannot go into it
    taken = buy(committee, wallets["taro@example.jp"], 1, "taro-app", JIRO)
    assert taken.status == 409 and code(taken) == "wallet_of_another_person", taken
    # Taro applied in his app: named at the counter, he buys into that app, not another
    in_app = buy(committee, wallets["son@example.jp"], 1, "son-app", TARO)
    assert in_app.status == 409 and code(in_app) == "applied_in_app", in_app
    assert buy(committee, wallets["taro@example.jp"], 1, "taro-own", TARO).status == 200
    # A card issued to Jiro is his: typing Hanako's details with it is refused
    card = issue_card(committee, JIRO)
    other = buy(committee, card, 1, "card-hanako", HANAKO)
    assert other.status == 409 and code(other) == "wallet_of_another_person", other
    # Someone not on the list, or mistyped, is told so (not a server error)
    stranger = buy(committee, wallets["son@example.jp"], 1, "stranger", JIRO | {"resident_key": "A-9"})
    assert stranger.status in (400, 404, 409) and code(stranger) == "not_on_resident_list", stranger
    bad = buy(committee, wallets["son@example.jp"], 1, "badkana", JIRO | {"name_kana": "Sato"})
    assert bad.status == 400, bad


def test_a_charge_recorded_before_its_round_was_kept_gives_the_units_back(drawn: dict[str, Any], rt: Runtime) -> None:
    committee, taro = drawn["committee"], drawn["wallets"]["taro@example.jp"]
    bought = buy(committee, taro, 2, "old")
    assert bought.status == 200, bought
    number = bought.json["number"]
    # Given a charge written before charges recorded their person and round
    record = rt.db.get(keys.transaction(number)) or {}
    assert (record.get("sale_round"), bool(record.get("sale_person"))) == (1, True), record
    rt.db.put({k: v for k, v in record.items() if k not in ("sale_round", "sale_person")})
    # When it is cancelled, the wallet's person gets the units back on the first round
    assert committee.post(f"/api/admin/charges/{number}/cancel").status == 200
    person = sale.wallet_person(rt, "P1", taro)
    assert person is not None
    assert int((rt.db.get(keys.application("P1", person)) or {})["purchased_units"]) == 0
    assert buy(committee, taro, 2, "again").status == 200


def test_a_cancelled_bank_transfer_gives_its_units_back(sold: dict[str, Any], rt: Runtime) -> None:
    committee, hanako = sold["committee"], sold["wallets"]["hanako@example.jp"]
    # Given Hanako's 1 unit paid by bank transfer, then refunded: the clerk cancels its charge
    reference = wallet_login("hanako@example.jp").get("/api/wallet/sale/P1").json["payment_reference"]
    today = jst_date(rt.clock.now())
    line = committee.request(
        "POST",
        "/api/admin/programmes/P1/deposits",
        raw=f"入金日,振込依頼人名,金額\r\n{today},{reference},10000\r\n".encode(),
        content_type="application/octet-stream",
    ).json["items"][0]
    assert line["credited"], line
    assert committee.post(f"/api/admin/charges/{line['number']}/cancel").status == 200
    # Then her unit is hers to buy again, at the counter
    person = sale.wallet_person(rt, "P1", hanako)
    assert person is not None
    assert int((rt.db.get(keys.application("P1", person)) or {})["purchased_units"]) == 0
    assert buy(committee, hanako, 1, "after-refund").status == 200
