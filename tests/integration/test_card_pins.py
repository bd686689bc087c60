# ruff: noqa: F811  # the card fixtures (committee, secrets, card, till) come from test_cards / test_card_payments
"""Card PINs are kept as HMAC-SHA256 under the PIN pepper, a secret outside the table: the table alone
gives nothing to check a guess against, and a PIN kept under the older scrypt scheme still pays and is
rewritten in the new scheme by that payment's own card update (no extra round trip)."""

from __future__ import annotations

import hashlib
import hmac

from shoken import cards, passwords
from shoken.db import keys
from shoken.runtime import Runtime
from tests.integration.test_card_payments import PIN, Card, card, left, pay, till  # noqa: F401  # fixtures
from tests.integration.test_cards import committee, secrets  # noqa: F401  # fixtures
from tests.support.client import Client


def stored_pin(rt: Runtime, card: Card) -> str:
    record = rt.db.get(keys.card(card.number))
    assert record is not None
    return str(record["pin_hash"])


def test_a_pin_is_kept_as_an_hmac_under_the_pepper_and_not_checkable_without_it(card: Card, rt: Runtime) -> None:
    # Given an issued card, Then its PIN is kept in the pepper's scheme and verifies only with the pepper
    stored = stored_pin(rt, card)
    assert stored.startswith(cards.PIN_SCHEME + "$") and PIN not in stored
    assert cards.verify_pin(rt.pin_pepper, PIN, stored)
    assert not cards.verify_pin(rt.pin_pepper, "4072", stored)
    assert not cards.verify_pin(b"another pepper of at least 32 bytes!!", PIN, stored)
    # And the value is salted: two cards of the same PIN do not share it
    assert cards.hash_pin(rt.pin_pepper, PIN) != cards.hash_pin(rt.pin_pepper, PIN)
    # And an HMAC of the PIN without the salt is not what is kept (the salt is part of the message)
    _, _, mac = stored.split("$")
    assert mac != hmac.new(rt.pin_pepper, PIN.encode(), hashlib.sha256).hexdigest()


def test_an_old_scrypt_pin_still_pays_and_is_rewritten_by_that_payment(card: Card, till: Client, rt: Runtime) -> None:
    # Given a card whose PIN was kept under the scrypt scheme (before the pepper)
    expr_key = keys.card(card.number)
    old = passwords.hash_password(PIN, log_n=rt.config.password_log_n)
    record = rt.db.get(expr_key)
    assert record is not None
    rt.db.put({**record, "pin_hash": old})
    # When a wrong PIN is typed, Then it is refused and the old value stays
    assert pay(till, card.qr, pin="4072").code == "card_pin_wrong"
    assert stored_pin(rt, card) == old
    # When the right PIN pays, Then the payment goes through and the PIN is now in the pepper's scheme
    done = pay(till, card.qr)
    assert done.status == 200, done
    rewritten = stored_pin(rt, card)
    assert rewritten.startswith(cards.PIN_SCHEME + "$") and cards.verify_pin(rt.pin_pepper, PIN, rewritten)
    # And the card pays again with the same PIN, its wrong-PIN count back to 0
    assert pay(till, card.qr).status == 200
    after = rt.db.get(expr_key)
    assert after is not None and int(after["pin_failures"]) == 0
    assert left(rt, card) == 11_000
