# ruff: noqa: F811  # the card fixtures (committee, secrets) come from test_cards
"""Paying with a card (issue 16.3, 16.7): the till reads the card's QR, the PIN is asked every time, five
wrong PINs lock the card, a daily limit applies, and a block between the read and the write stops it."""

from __future__ import annotations

from typing import Any

import pytest

from shoken import audit, card_payment, cards, payment
from shoken.db import cards as card_items
from shoken.db import keys, wallets
from shoken.principal import Scope
from shoken.runtime import Runtime
from tests.integration.conftest import City, console_login, key, merchant_login
from tests.integration.test_cards import Secrets, charge, committee, issue, secrets  # noqa: F401  # fixtures
from tests.integration.test_payment_races import principal_of
from tests.support.client import Client
from tests.support.races import race

PIN = "4071"


class Card:
    def __init__(self, client: Client, drawn: Secrets, index: int = 0, **body: Any) -> None:
        reply = issue(client, pin=PIN, **body)
        assert reply.status == 200, reply
        self.number = reply.json["cards"][0]["card_number"]
        self.wallet_id = reply.json["cards"][0]["wallet_id"]
        pay, check = drawn.of(index)
        self.qr = cards.pay_text(self.number, pay)
        self.balance_qr = cards.balance_url("http://127.0.0.1:8000", self.number, check)


@pytest.fixture
def card(committee: Client, secrets: Secrets) -> Card:
    made = Card(committee, secrets)
    assert charge(committee, made.wallet_id).status == 200  # 13,000 yen on the card
    return made


@pytest.fixture
def till(city: City) -> Client:
    return merchant_login(city.terminal, "shopuser01")


def pay(till: Client, text: str, amount: int = 1_000, pin: str | None = PIN, idem: str | None = None) -> Any:
    body: dict[str, Any] = {"token": text, "amount": amount, "idempotency_key": idem or key()}
    if pin is not None:
        body["pin"] = pin
    return till.post("/api/payments", body)


def left(rt: Runtime, card: Card) -> int:
    record = wallets.get(rt.db, card.wallet_id)
    assert record is not None
    return sum(b.balance for b in record.buckets)


def test_a_card_pays_with_its_pin_every_time_and_a_photo_of_it_pays_nothing(
    card: Card, till: Client, rt: Runtime
) -> None:
    # When the till reads the card and the cardholder types the PIN, Then it pays and shows what is left
    done = pay(till, card.qr)
    assert done.status == 200, done
    assert done.json["method"] == "card" and done.json["card_balance"] == 12_000
    # When someone replays a photograph of the card's QR without the PIN, Then nothing is paid
    photo = pay(till, card.qr, pin=None)
    assert photo.status == 400 and photo.code == "card_pin_required"
    assert left(rt, card) == 12_000
    # And the same card with its PIN pays again (its QR never changes), a phone's receipt shows no balance
    assert pay(till, card.qr).json["card_balance"] == 11_000
    # And the balance QR is not a payment QR
    assert pay(till, card.balance_qr).code == "card_balance_qr"
    assert left(rt, card) == 11_000


def test_five_wrong_pins_lock_the_card_until_the_counter_unlocks_it(
    card: Card,
    till: Client,
    committee: Client,
    rt: Runtime,
) -> None:
    # When four wrong PINs are typed, Then each says how many tries are left and nothing is paid
    for remaining in (4, 3, 2, 1):
        wrong = pay(till, card.qr, pin="9999")
        assert wrong.code == "card_pin_wrong" and f"あと{remaining}回" in wrong.json["error"]["message"], wrong
    # When the fifth is wrong too, Then the card is locked, even for the right PIN
    assert pay(till, card.qr, pin="9999").code == "card_locked"
    assert pay(till, card.qr).code == "card_locked"
    assert left(rt, card) == 13_000
    assert committee.get(f"/api/admin/cards/{card.number}").json["pin_locked"] is True
    # When the counter unlocks it, Then the right PIN pays, and a right PIN clears the count
    assert committee.post(f"/api/admin/cards/{card.number}/unlock").status == 200
    assert pay(till, card.qr, pin="9999").code == "card_pin_wrong"
    assert pay(till, card.qr).status == 200
    stored = rt.db.get(keys.card(card.number))
    assert stored and stored["pin_failures"] == 0


def test_wrong_pins_racing_on_two_tills_never_count_past_five(card: Card, till: Client, rt: Runtime) -> None:
    caller = principal_of(rt, till)
    results = race(lambda n: card_payment.pay_by_card(rt, caller, text=card.qr, pin="9999", amount=1_000, idem=key()))
    assert results.count("card_pin_wrong") <= 4 and set(results) <= {"card_pin_wrong", "card_locked"}, results
    stored = rt.db.get(keys.card(card.number))
    assert stored and stored["pin_failures"] == 5
    assert left(rt, card) == 13_000


def test_a_stopped_card_and_another_citys_card_are_refused_by_name(
    card: Card,
    till: Client,
    committee: Client,
    city: City,
    secrets: Secrets,
    rt: Runtime,
) -> None:
    # A card of the other city, at this city's till
    elsewhere = Card(console_login("oth-0001"), secrets, index=1, programme_id=None, resident=None)
    assert pay(till, elsewhere.qr).code == "card_other_city"
    # A forged secret
    assert pay(till, cards.pay_text(card.number, "A" * 22)).code == "card_unknown"
    # Blocked, then replaced: the old card is refused with what happened to it; nothing moves
    committee.post(f"/api/admin/cards/{card.number}/block")
    assert pay(till, card.qr).code == "card_blocked"
    committee.post(f"/api/admin/cards/{card.number}/reissue", {"pin": "5820"})
    assert pay(till, card.qr).code == "card_replaced"
    assert left(rt, card) == 0


def test_the_daily_limit_of_a_card_applies(card: Card, till: Client, committee: Client, city: City) -> None:
    committee_id = city.committee["committee_id"]
    assert committee.put(f"/api/admin/committees/{committee_id}/card-settings", {"daily_limit": 5_000}).status == 200
    assert pay(till, card.qr, amount=4_000).status == 200
    over = pay(till, card.qr, amount=2_000)
    assert over.code == "card_daily_limit" and "あと1,000円" in over.json["error"]["message"], over
    assert pay(till, card.qr, amount=1_000).status == 200


def test_a_block_between_the_read_and_the_write_stops_the_payment(
    card: Card, till: Client, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a payment that has read the card as active, When the card is blocked before its write
    caller = principal_of(rt, till)
    real = card_items.pay_authorization
    blocked: list[bool] = []

    def block_first(*args: Any, **kwargs: Any) -> Any:
        if not blocked:
            stored = card_items.get(rt.db, card.number)
            assert stored is not None
            entry = audit.entry(rt, "card_blocked", actor={"type": "test"}, scope=Scope(stored.committee_id))
            card_items.block(rt.db, stored, audit=entry, now=rt.clock.now())
            blocked.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(card_items, "pay_authorization", block_first)
    # Then the write is refused, the next read names the block, and nothing is paid
    with pytest.raises(cards.CardBlocked):
        card_payment.pay_by_card(rt, caller, text=card.qr, pin=PIN, amount=1_000, idem=key())
    assert left(rt, card) == 13_000


def test_payments_racing_a_block_either_paid_before_it_or_are_refused(card: Card, till: Client, rt: Runtime) -> None:
    caller = principal_of(rt, till)
    stored = card_items.get(rt.db, card.number)
    assert stored is not None
    entry = audit.entry(rt, "card_blocked", actor={"type": "test"}, scope=Scope(stored.committee_id))

    def work(n: int) -> Any:
        if n == 0:
            card_items.block(rt.db, stored, audit=entry, now=rt.clock.now())
            return "blocked"
        return card_payment.pay_by_card(rt, caller, text=card.qr, pin=PIN, amount=1_000, idem=key())

    results = race(work)
    paid = [r for r in results if isinstance(r, payment.PaymentResult)]
    refused = [r for r in results[1:] if not isinstance(r, payment.PaymentResult)]
    assert set(refused) <= {"card_blocked", "service_unavailable"}, results
    assert left(rt, card) == 13_000 - 1_000 * len(paid)  # every debit is a receipt, none after the block
    assert pay(till, card.qr).code == "card_blocked"
