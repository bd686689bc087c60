"""Paying with a card (SPEC §10, issue 16.3): the till reads the card's payment QR, the cardholder types
the PIN on the till, and the payment is one case of the till's payment (payment.pay_at_till): the
same two round trips as a phone's, with the card item read beside the wallet.

What differs is the authorization: the card's secret, state, PIN and the day's limit, checked here;
its write (ledger.CardUse) is the card's update: still active, the same payment secret and PIN and
still within the day's limit, so a block or a new PIN between the read and the write fails the payment
and the next read names why. The PIN is asked every time: the card's QR never changes, so a
photograph of it alone pays nothing. Each PIN try is counted before the PIN is compared (a conditioned
ADD, db/cards.spend_pin_try), so a burst of guesses gets no more comparisons than the tries left: a card
payment takes three round trips (read, the try, the write), a wrong PIN two.
"""

from __future__ import annotations

import hmac
from datetime import datetime

from shoken import cards, payment
from shoken.clock import jst_date
from shoken.db import cards as card_items
from shoken.db import keys, ledger
from shoken.db.dynamo import Found, Item
from shoken.db.records import Card, Store
from shoken.payment import PaymentResult
from shoken.principal import Principal
from shoken.runtime import Runtime


def daily_limit(committee: Item) -> int:
    return int(committee.get("card_daily_limit") or cards.DEFAULT_DAILY_LIMIT)


def pay_by_card(rt: Runtime, caller: Principal, *, text: str, pin: str | None, amount: int, idem: str) -> PaymentResult:
    payment.check_amount(amount)
    scanned = cards.parse_pay(text)
    card_key = keys.card(scanned.number)
    digest = cards.secret_digest(scanned.secret)

    right_pin: set[str] = set()  # the PIN (hash) compared right in this request: not spent again on a re-read

    def authorize(found: Found, now: datetime, store: Store, committee: Item) -> ledger.Authorization:
        card = found.record(Card, card_key)
        if card is None or card.wallet_id != scanned.wallet_id:
            raise cards.CardUnknown()
        if hmac.compare_digest(digest, card.balance_digest):
            raise cards.CardBalanceQrAtStore()
        if not hmac.compare_digest(digest, card.pay_digest):
            raise cards.CardUnknown()
        if card.committee_id != store.committee_id:
            raise cards.CardOtherCity()
        cards.refuse_unless_active(card.status)
        pepper = rt.pin_pepper
        if card.pin_hash not in right_pin:
            if card.pin_failures >= cards.MAX_PIN_FAILURES:
                raise cards.CardLocked()
            if not pin:
                raise cards.CardPinRequired()
            tried = card_items.spend_pin_try(rt.db, scanned.number, now)
            if not cards.verify_pin(pepper, pin, tried.pin_hash):
                if tried.pin_failures >= cards.MAX_PIN_FAILURES:
                    raise cards.CardLocked()
                raise cards.CardPinWrong(cards.MAX_PIN_FAILURES - tried.pin_failures)
            right_pin.add(tried.pin_hash)
            card = tried  # the card as the try left it: the PIN compared is the one the write holds to
        assert pin is not None  # compared right above
        limit = daily_limit(committee)
        spent = card.spent_on(jst_date(now))
        if spent + amount > limit:
            raise cards.CardDailyLimit(limit, max(0, limit - spent))
        # A PIN kept under the old scheme (scrypt) is rewritten by the payment's own card update.
        rehashed = cards.hash_pin(pepper, pin) if cards.pin_outdated(card.pin_hash) else None
        return ledger.CardUse(card, pay_digest=digest, amount=amount, daily_limit=limit, new_pin_hash=rehashed)

    try:
        return payment.pay_at_till(
            rt,
            caller,
            amount=amount,
            idem=idem,
            wallet_id=scanned.wallet_id,
            authorization_key=card_key,
            authorize=authorize,
            request={"card": scanned.number, "amount": amount},
            method="card",
        )
    except Exception:
        if right_pin:  # a right PIN, and the payment refused for another reason: its try does not count
            card_items.give_back_pin_try(rt.db, scanned.number)
        raise
