# ruff: noqa: F811  # the card fixtures (committee, secrets, card, till) come from test_cards / test_card_payments
"""A card at a busy till: a mistyped amount, cancelled at once, must not use up the cardholder's day."""

from __future__ import annotations

import pytest

from tests.integration.conftest import City
from tests.integration.test_card_payments import Card, card, pay, till  # noqa: F401  # fixtures
from tests.integration.test_cards import charge, committee, secrets  # noqa: F401  # fixtures
from tests.support.client import Client


@pytest.mark.xfail(
    strict=True,
    reason="a 決済取消 of a card payment gives the value back but not the day's limit (spent_today is only "
    "ever added to, in shoken/db/cards.py pay_authorization): a mistyped amount cancelled at once blocks the day",
)
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
