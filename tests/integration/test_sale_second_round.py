"""二次抽選 (issue 15.6) against the first round moving under it: once the second round's seed is set, no
first-round purchase or cancel may land (a bank transfer credited late, a チャージ取消), and the job
writes only its own fields, on applications whose first round is as it read them."""

from __future__ import annotations

from typing import Any

from local.streams import Stream
from shoken import sale
from shoken.db import keys
from shoken.db.dynamo import Item
from shoken.runtime import Runtime
from tests.integration import test_sale_purchase
from tests.integration.conftest import console_login
from tests.integration.test_sale_applications import code
from tests.integration.test_sale_deposits import HEADER, send, status
from tests.integration.test_sale_purchase import charge
from tests.support.client import Client

sold = test_sale_purchase.sold  # the fixture: Taro won 3 units, Hanako 1, 購入期限 2026-12-20, today 12-11


def application(rt: Runtime, wallet_id: str) -> Item:
    person = sale.wallet_person(rt, "P1", wallet_id)
    assert person is not None
    record = rt.db.get(keys.application("P1", person))
    assert record is not None
    return record


def second_round_started(clock: Any) -> Client:
    """The day after the 購入期限 (2026-12-21): the second round started, its job not run yet."""
    clock.advance(days=10)
    committee = console_login("ena-0001")
    started = committee.post("/api/admin/programmes/P1/second-round", {"purchase_end": "2026-12-27"})
    assert started.status == 200 and started.json["second_round"]["state"] == "drawing", started
    return committee


def units_paid(committee: Client) -> int:
    return int(committee.get("/api/admin/programmes/P1/sale").json["counts"]["units_paid"])


def test_a_first_round_transfer_or_cancel_after_the_second_round_started_is_refused(
    sold: dict[str, Any], rt: Runtime, clock: Any, stream: Stream, monkeypatch: Any
) -> None:
    committee, wallets = sold["committee"], sold["wallets"]
    taro, hanako = wallets["taro@example.jp"], wallets["hanako@example.jp"]
    # Given Taro bought 2 of his 3 units at the counter; Hanako's transfer, made on the last day, is not in yet
    bought = charge(committee, taro, 2, "r1")
    assert bought.status == 200, bought
    reference = status("hanako@example.jp")["payment_reference"]
    before = sale.settings(rt, "P1")
    committee = second_round_started(clock)
    # When the bank's list with her deposit of 12/20 is uploaded: it is listed with the reason, not credited
    line = send(committee, HEADER + f"2026-12-20,{reference},10000\r\n").json["items"][0]
    assert not line["credited"] and "二次抽選の開始後" in line["reason"], line
    # And the same when the upload read the sale before the second round started: the write's check refuses it
    monkeypatch.setattr(sale, "settings", lambda *_, **__: before)
    raced = send(committee, HEADER + f"2026-12-20,{reference},10000\r\n").json["items"][0]
    assert not raced["credited"] and "二次抽選の開始後" in raced["reason"], raced
    assert rt.db.get(keys.deposit_credit("P1", reference, 1)) is None
    # And Taro's first-round charge cannot be cancelled any more, whether the sale is read before or after
    cancel = committee.post(f"/api/admin/charges/{bought.json['number']}/cancel")
    assert cancel.status == 409 and code(cancel) == "second_round_started", cancel
    monkeypatch.undo()
    cancel = committee.post(f"/api/admin/charges/{bought.json['number']}/cancel")
    assert cancel.status == 409 and code(cancel) == "second_round_started", cancel
    assert "二次抽選の開始後は一次の購入・取消はできません。" in cancel.json["error"]["message"]
    # Then the second round lapses exactly what was unbought (Taro's 1 and Hanako's 1), and the paid count holds
    stream.drain()
    second = committee.get("/api/admin/programmes/P1/sale").json["second_round"]
    assert (second["state"], second["pool"]) == ("drawn", 2), second
    assert int(application(rt, taro)["purchased_units"]) == 2 and application(rt, taro)["lapsed_units"] == 1
    assert application(rt, hanako)["lapsed_units"] == 1 and "purchased_units" not in application(rt, hanako)
    assert units_paid(committee) == 2


def test_the_second_round_decides_again_on_an_application_read_before_its_purchase(
    sold: dict[str, Any], rt: Runtime, clock: Any, stream: Stream, monkeypatch: Any
) -> None:
    committee, wallets = sold["committee"], sold["wallets"]
    taro, hanako = wallets["taro@example.jp"], wallets["hanako@example.jp"]
    # Given the list index still shows the applications as before Taro bought all his 3 units
    stale = sale.applications(rt, "P1")
    assert charge(committee, taro, 3, "all").status == 200
    committee = second_round_started(clock)
    reads = iter([stale])
    real = sale.applications
    monkeypatch.setattr(sale, "applications", lambda *args: next(reads, None) or real(*args))
    # When the second round's job reads that index
    stream.drain()
    # Then Taro's application is read again: his purchase stands and nothing of his lapses
    record = application(rt, taro)
    assert int(record["purchased_units"]) == 3 and "lapsed" not in record and "lapsed_units" not in record
    assert application(rt, hanako)["lapsed_units"] == 1
    second = committee.get("/api/admin/programmes/P1/sale").json["second_round"]
    assert (second["state"], second["pool"]) == ("drawn", 1), second
    assert units_paid(committee) == 3
    # And the first round's units bought are still counted once: the paid units cannot be sold again
    assert code(charge(committee, taro, 1, "again")) in {"purchase_deadline_passed", "over_allocation"}


def test_the_second_rounds_winners_are_emailed_their_units_and_deadline_once(
    city: Any, world: Any, stream: Stream, clock: Any
) -> None:
    from tests.support import mailbox
    from tests.support.sale import HANAKO, TARO, WINDOW, applied, open_sale

    # Given 3 units on sale, Taro and Hanako asking for 3 each, drawn by lot and told their result
    world.programme(city.committee, limit_units=5)
    committee = console_login("ena-0001")
    open_sale(committee, stream, WINDOW | {"units_on_sale": 3, "purchase_end": "2026-12-20"})
    applied("taro@example.jp", TARO, 3)
    applied("hanako@example.jp", HANAKO, 3)
    clock.advance(days=12)
    committee = console_login("ena-0001")
    assert committee.post("/api/admin/programmes/P1/draw", {"rule": "lot"}).status == 200
    stream.drain()
    assert committee.post("/api/admin/programmes/P1/notify").status == 200
    stream.drain()
    first = len(mailbox.sent())
    # When nobody bought by the 購入期限, the second round is drawn and the results mail is sent again
    committee = second_round_started(clock)
    stream.drain()
    assert committee.post("/api/admin/programmes/P1/notify").status == 200
    stream.drain()
    # Then each second-round winner gets one mail with their units and the new deadline, and nobody else
    winners = {e for e in ("taro@example.jp", "hanako@example.jp") if status(e)["second_round_units"]}
    second = [m for m in mailbox.sent()[first:] if "二次抽選" in m["subject"]]
    assert winners and sorted(m["to"][0] for m in second) == sorted(winners), second
    assert all("2026年12月27日" in m["body"] for m in second)
    # And a third run sends nothing
    sent = len(mailbox.sent())
    assert committee.post("/api/admin/programmes/P1/notify").status == 200
    stream.drain()
    assert len(mailbox.sent()) == sent
