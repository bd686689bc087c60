# ruff: noqa: F811  # the card fixtures (committee, secrets, card, till) come from test_cards / test_card_payments
"""A card at a busy till: a mistyped amount, cancelled at once, must not use up the cardholder's day; and a
photographed card QR with a burst of PIN guesses gets no more tries than the lock allows."""

from __future__ import annotations

import pytest

from shoken import card_payment, cards
from shoken.db import keys
from shoken.runtime import Runtime
from tests.integration.conftest import City, key
from tests.integration.test_attacks_lockout import Held
from tests.integration.test_card_payments import PIN, Card, card, pay, till  # noqa: F401  # fixtures
from tests.integration.test_cards import charge, committee, secrets  # noqa: F401  # fixtures
from tests.integration.test_payment_races import principal_of
from tests.support import races
from tests.support.client import Client


def test_a_cancelled_card_payment_gives_the_days_limit_back(
    card: Card, till: Client, committee: Client, city: City
) -> None:
    # Given a committee limit of 5,000 a day, and a shopkeeper who types 5,000 for a 500 yen purchase
    committee_id = city.committee["committee_id"]
    assert committee.put(f"/api/admin/committees/{committee_id}/card-settings", {"daily_limit": 5_000}).status == 200
    wrong = pay(till, card.qr, amount=5_000)
    assert wrong.status == 200, wrong
    # When the store manager cancels it at once, and the till takes the right amount
    assert till.post(f"/api/transactions/{wrong.json['number']}/cancel").status == 200
    right = pay(till, card.qr, amount=500)
    # Then the cardholder pays: nothing of the day was spent
    assert right.status == 200, right


def test_a_burst_of_pin_guesses_gets_no_more_tries_than_the_lock_allows(
    card: Card, till: Client, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a photographed card QR and four wrong PINs already: one try is left
    for n in range(cards.MAX_PIN_FAILURES - 1):
        assert pay(till, card.qr, pin=f"{1100 + n:04d}").code == "card_pin_wrong"
    compare = Held(cards.verify_pin)
    monkeypatch.setattr(cards, "verify_pin", compare)
    caller = principal_of(rt, till)

    # When eight PINs arrive at once from the till (the right one among them)
    def guess(n: int) -> object:
        pin = PIN if n == races.THREADS - 1 else f"{2200 + n:04d}"
        return card_payment.pay_by_card(rt, caller, text=card.qr, pin=pin, amount=1_000, idem=key())

    answers = races.race(guess)

    # Then one PIN at most was compared
    assert compare.calls <= 1, f"{compare.calls} PINs compared with one try left: {answers}"


def test_a_card_payment_counts_its_pin_try_between_the_read_and_the_write(
    card: Card, till: Client, rt: Runtime
) -> None:
    from tests.integration.test_payment_gate import dynamo_calls

    # When the cardholder pays with the right PIN, then types a wrong one
    replies: list[object] = []
    right = dynamo_calls(rt, lambda: replies.append(pay(till, card.qr, amount=500)))
    wrong = dynamo_calls(rt, lambda: replies.append(pay(till, card.qr, pin="1357", amount=500)))
    # Then the payment is the read, the try and the write; a wrong PIN the read and the try
    assert [getattr(r, "status", None) for r in replies] == [200, 400], replies
    assert right == ["BatchGetItem", "UpdateItem", "TransactWriteItems"]
    assert wrong == ["BatchGetItem", "UpdateItem"]
    # And the right PIN's write set the count back: the wrong one is the only one counted
    assert int((rt.db.get(keys.card(card.number)) or {})["pin_failures"]) == 1
