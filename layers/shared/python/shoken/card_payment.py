"""Paying with a card (SPEC §10, issue 16.3): the till reads the card's payment QR, the cardholder types
the PIN on the till, and the payment runs through the same two round trips as a phone's (payment.py).

The read is the usual BatchGetItem with the card item beside the wallet; the decision checks the card's
secret, state, PIN and the day's limit; the write is the usual transaction whose authorization action
is the card's update (ledger.CardUse): still active, fewer than 5 wrong PINs, the same payment secret
and still within the day's limit, so a block or a lock between the read and the write fails the
payment and the next read names why. The PIN is asked every time: the card's QR never changes, so
a photograph of it alone pays nothing. A wrong PIN is counted by a conditioned ADD (db/cards.wrong_pin).
"""

from __future__ import annotations

import hmac
from datetime import datetime

from shoken import cards, gate, passwords
from shoken.clock import epoch
from shoken.db import cards as card_items
from shoken.db import keys, ledger
from shoken.db.dynamo import Item
from shoken.payment import PaymentResult, Plan, _settle, _wallet_check, check_amount
from shoken.principal import Principal
from shoken.runtime import Runtime


def daily_limit(committee: Item) -> int:
    return int(committee.get("card_daily_limit") or cards.DEFAULT_DAILY_LIMIT)


def pay_by_card(rt: Runtime, caller: Principal, *, text: str, pin: str | None, amount: int, idem: str) -> PaymentResult:
    check_amount(amount)
    scanned = cards.parse_pay(text)
    assert caller.terminal_id and caller.store_id and caller.committee_id
    session_key, terminal_key, store_key = gate.merchant_keys(caller)
    card_key, wallet_key = keys.card(scanned.number), keys.wallet(scanned.wallet_id)
    committee_key = keys.committee(caller.committee_id)
    digest = cards.secret_digest(scanned.secret)

    def admitted(found: dict[keys.Key, Item], now: datetime) -> None:
        gate.check_merchant(caller, found, now_epoch=epoch(now))

    def plan(found: dict[keys.Key, Item], now: datetime) -> Plan:
        card, store, committee = found.get(card_key), found[store_key], found[committee_key]
        if card is None or card.get("wallet_id") != scanned.wallet_id:
            raise cards.CardUnknown()
        if hmac.compare_digest(digest, str(card.get("balance_digest"))):
            raise cards.CardBalanceQrAtStore()
        if not hmac.compare_digest(digest, str(card.get("pay_digest"))):
            raise cards.CardUnknown()
        if card.get("committee_id") != store.get("committee_id"):
            raise cards.CardOtherCity()
        cards.refuse_unless_active(str(card["status"]))
        if int(card.get("pin_failures") or 0) >= cards.MAX_PIN_FAILURES:
            raise cards.CardLocked()
        if not pin:
            raise cards.CardPinRequired()
        if not passwords.verify_password(pin, str(card["pin_hash"])):
            failures = card_items.wrong_pin(rt.db, scanned.number, now)
            if failures >= cards.MAX_PIN_FAILURES:
                raise cards.CardLocked()
            raise cards.CardPinWrong(cards.MAX_PIN_FAILURES - failures)
        limit = daily_limit(committee)
        spent = card_items.spent_today(card, now)
        if spent + amount > limit:
            raise cards.CardDailyLimit(limit, max(0, limit - spent))

        return Plan(
            committee=committee,
            store=store,
            terminal=found[terminal_key],
            wallet=_wallet_check(found.get(wallet_key), store),
            amount=amount,
            still=ledger.StillAdmitted(session_key, terminal_key, store_key, binding_id=caller.binding_id),
            operator={"id": caller.user_id, "login": caller.login_id, "name": caller.name},
            authorization=ledger.CardUse(card, pay_digest=digest, amount=amount, daily_limit=limit),
        )

    # A refused write (the card just blocked or locked, the balance just spent elsewhere) is read again:
    # plan() then names the reason, or the retry goes through.
    return _settle(
        rt,
        read_keys=[session_key, terminal_key, store_key, committee_key, card_key, wallet_key],
        idem_scope=f"term:{caller.terminal_id}",
        idem=idem,
        request={"card": scanned.number, "amount": amount},
        method="card",
        admitted=admitted,
        plan=plan,
    )
