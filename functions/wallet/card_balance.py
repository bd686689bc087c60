"""カードの残高確認 (issue 16.5): the page the card's balance-check QR opens, without an app or sign-in.

Read-only: it answers the ご利用可能金額 by voucher type and expiry, the last 10 transactions and the
committee's contact, for the card number and balance secret of the QR (the secret is compared by its
digest in constant time). Each card and each source address is rate-limited, so the secret cannot be
guessed, and nothing here can pay or change anything but the rate counters.
"""

from __future__ import annotations

import hmac

from pydantic import Field

from shoken import api, cards, codes, money
from shoken.clock import jst_date
from shoken.db import committees, history, keys, throttle
from shoken.history_models import WalletLine
from shoken.money import VoucherType
from shoken.runtime import Runtime
from shoken.validation import Schema
from wallet.schemas import BalanceLine

PER_CARD_PER_HOUR = 30
PER_SOURCE_PER_HOUR = 120
RECENT = 10


class BalanceRequest(Schema):
    card_number: str = Field(min_length=1, max_length=80)
    secret: str = Field(min_length=1, max_length=64)


class CardBalance(Schema):
    card_number_display: str
    service_name: str
    status: str
    status_label: str
    balance: int
    lines: list[BalanceLine]
    recent: list[WalletLine]
    committee_name: str
    contact_phone: str | None = None
    contact_hours: str | None = None


def balance(rt: Runtime, body: BalanceRequest) -> CardBalance:
    now = rt.clock.now()
    source = codes.fingerprint(rt.session_key, api.current().request.source_ip or "-")
    what = "残高確認"
    throttle.hit(rt.db, f"cardbalsrc#{source}", limit=PER_SOURCE_PER_HOUR, window_seconds=3600, now=now, what=what)
    scanned = cards.parse_balance(body.card_number.strip(), body.secret.strip())
    throttle.hit(rt.db, f"cardbal#{scanned.number}", limit=PER_CARD_PER_HOUR, window_seconds=3600, now=now, what=what)
    found = rt.db.batch_get([keys.card(scanned.number), keys.wallet(scanned.wallet_id)])
    card, wallet = found.get(keys.card(scanned.number)), found.get(keys.wallet(scanned.wallet_id))
    digest = cards.secret_digest(scanned.secret)
    if card is None or wallet is None:
        raise cards.CardUnknown()
    if hmac.compare_digest(digest, str(card["pay_digest"])):
        raise cards.CardPaymentQrOnBalance()
    if not hmac.compare_digest(digest, str(card["balance_digest"])):
        raise cards.CardBalanceSecretWrong()
    committee = committees.get(rt.db, str(card["committee_id"])) or {}
    today = jst_date(now)
    buckets = money.buckets_of(wallet)
    summary = money.summary(buckets, today=today)
    names = {}
    wanted = sorted({keys.programme(line["programme_id"]) for line in summary})
    if wanted:
        names = {k[0].split("#", 1)[1]: str(v["name"]) for k, v in rt.db.batch_get(wanted, consistent=False).items()}
    status = str(card["status"])
    locked = int(card.get("pin_failures") or 0) >= cards.MAX_PIN_FAILURES
    return CardBalance(
        card_number_display=cards.display_number(scanned.number),
        service_name=str(committee.get("wallet_service_name") or ""),
        status=status,
        status_label=cards.STATUS_LABELS.get(status, status) + ("・暗証番号ロック中" if locked else ""),
        balance=money.available(buckets, today=today, large_store=False),
        lines=[
            BalanceLine(
                **line,
                voucher_type_label=VoucherType(line["voucher_type"]).label,
                programme_name=names.get(line["programme_id"]),
            )
            for line in summary
        ],
        recent=[WalletLine.of(t) for t in history.recent_for_wallet(rt.db, scanned.wallet_id, now, limit=RECENT)],
        committee_name=str(committee.get("name") or ""),
        contact_phone=committee.get("contact_phone"),
        contact_hours=committee.get("contact_hours"),
    )
