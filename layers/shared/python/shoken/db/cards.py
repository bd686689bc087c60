"""Card wallets (issue 16): the card item beside its wallet, and every change of a card's state.

A card's value is in its wallet (WALLET#<id>, the same item an app wallet is), so counter purchases,
grants, lapse and history need nothing of their own. The card item (CARD#<number>) holds what only
a card has. Every change here is one transaction: a block moves the card, its wallet and its list
entry together (a payment's conditions on the card and the wallet then fail at once); a reissue or a
move to the app takes every bucket off the old wallet and puts it on the new one, with the audit entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shoken import cards
from shoken.clock import iso, jst_date
from shoken.db import keys, wallets
from shoken.db.dynamo import AwsBusy, ConditionFailed, Dynamo, Expr, Item, TransactionFailed
from shoken.db.records import Card, Wallet, optional
from shoken.errors import (
    AlreadyExists,
    CardAlreadyStopped,
    CardBalanceChanged,
    CardMovedOn,
    CardNotBlocked,
    CardNotFound,
    Conflict,
    DomainError,
)
from shoken.money import Bucket
from shoken.status import Status


class CardAlreadyIssued(DomainError, AlreadyExists):
    code = "card_already_issued"


class NotAnAppWallet(DomainError):
    code = "card_target_not_app"


class TargetSuspended(DomainError):
    code = "card_target_suspended"


class NumberClash(Exception):
    """The random wallet id of a new card exists already: draw another."""


def card_item(
    number: str,
    *,
    wallet_id: str,
    committee_id: str,
    pin_hash: str,
    pay_digest: str,
    balance_digest: str,
    now: datetime,
    programme_id: str | None = None,
    resident_hash: str | None = None,
    replaces: str | None = None,
    sheet: str | None = None,
) -> Item:
    """`sheet`: the id of the sheet (PDF) its secrets go out on; see sheet_delivered."""
    from shoken import privacy  # the console's path only: the payment path never builds a card

    pk, sk = keys.card(number)
    fields = {"programme_id": programme_id, "resident_hash": resident_hash, "replaces": replaces, "sheet": sheet}
    # A card linked to a resident of a programme's list is in that programme's personal data: the
    # retention run removes the link (CARD_LINK_FIELDS) and keeps the card, which holds money records.
    tagged = privacy.tag(programme_id, pk, sk) if programme_id and resident_hash else {}
    return {
        "PK": pk,
        "SK": sk,
        "kind": "card",
        "card_number": number,
        "wallet_id": wallet_id,
        "committee_id": committee_id,
        "status": Status.ACTIVE,
        "pin_hash": pin_hash,
        "pin_failures": 0,
        "pay_digest": pay_digest,
        "balance_digest": balance_digest,
        "issued_at": iso(now),
        "updated_at": iso(now),
        **{k: v for k, v in fields.items() if v is not None},
        **tagged,
    }


def wallet_item(wallet_id: str, *, committee: Item, number: str, now: datetime, buckets: list[Bucket] | None) -> Item:
    """The card's wallet: an app wallet's item with no email and the card's number."""
    return wallets.item(
        wallet_id,
        committee_id=str(committee["committee_id"]),
        service_id=str(committee.get("wallet_service_id") or ""),
        email="",
        now=iso(now),
        buckets=buckets,
        card_number=number,
    )


def resident_item(programme_id: str, matching_hash: str, number: str) -> Item:
    from shoken import privacy

    pk, sk = keys.card_resident(programme_id, matching_hash)
    return {"PK": pk, "SK": sk, "kind": "card_resident", "card_number": number, **privacy.tag(programme_id, pk, sk)}


class SheetTaken(Exception):
    """Another clerk printed the card's new sheet first."""


def sheet_delivered(db: Dynamo, sheet: str, now: datetime) -> None:
    """The sheet holding these cards' secrets was made and is being answered: until this is written a
    request that failed part-way (a throttle after some cards, a timeout while rendering) has left cards
    whose PIN and QR secrets nobody saw, and the next issue for their residents prints them again."""
    pk, sk = keys.card_sheet(sheet)
    db.put({"PK": pk, "SK": sk, "kind": "card_sheet", "at": iso(now)})


def undelivered(db: Dynamo, numbers: list[str]) -> dict[str, Card]:
    """Of these cards, the active ones whose sheet was never made (see sheet_delivered), by number."""
    found = db.batch_get([keys.card(n) for n in dict.fromkeys(numbers)]) if numbers else {}
    pending = [Card(item) for item in found.values() if item.get("sheet") and item["status"] == Status.ACTIVE]
    made = db.batch_get([keys.card_sheet(str(c.item["sheet"])) for c in pending]) if pending else {}
    return {c.card_number: c for c in pending if keys.card_sheet(str(c.item["sheet"])) not in made}


def new_secrets(
    db: Dynamo,
    card: Card,
    *,
    pin_hash: str,
    pay_digest: str,
    balance_digest: str,
    sheet: str,
    audit: Item,
    now: datetime,
) -> Card:
    """A card whose sheet was never made gets new secrets and PIN on a new sheet, with its audit entry;
    only while it is still active and still waits for that sheet (another clerk's print refuses).
    Returns the card as the write left it."""
    expr = Expr()
    sets = {"pin_hash": pin_hash, "pin_failures": 0, "pay_digest": pay_digest, "balance_digest": balance_digest,
            "sheet": sheet, "updated_at": iso(now)}  # fmt: skip
    update = db.tx_update(
        keys.card(card.card_number),
        "SET " + ", ".join(f"{expr.n(k)} = {expr.v(v)}" for k, v in sets.items()),
        expr,
        condition=f"{expr.n('sheet')} = {expr.v(card.item['sheet'])} AND {expr.n('status')} = {expr.v(Status.ACTIVE)}",
    )
    _transact(db, [update, _absent(db, audit)], [(0, SheetTaken())])
    return Card({**card.item, **sets})


def get(db: Dynamo, number: str) -> Card | None:
    return optional(Card, db.get(keys.card(number)))


def _absent(db: Dynamo, record: Item) -> dict[str, Any]:
    expr = Expr()
    return db.tx_put(record, condition=f"attribute_not_exists({expr.n('PK')})", expr=expr)


def _transact(db: Dynamo, actions: list[dict[str, Any]], refusals: list[tuple[int, Exception]]) -> None:
    try:
        db.transact(actions)
    except TransactionFailed as failed:
        for position, refusal in refusals:
            if failed.failed_at(position):
                raise refusal from failed
        if failed.throttled:
            raise AwsBusy() from failed
        raise Conflict() from failed


def issue(db: Dynamo, *, card: Item, wallet: Item, resident: Item | None, audit: Item) -> None:
    """A new card: card, wallet, list entry, the resident's one-card guard and the audit entry at once."""
    actions = [_absent(db, card), _absent(db, wallet), _absent(db, wallets.listing_item(wallet))]
    refusals: list[tuple[int, Exception]] = [(0, NumberClash()), (1, NumberClash())]
    if resident is not None:
        actions.append(_absent(db, resident))
        refusals.append((3, CardAlreadyIssued()))
    actions.append(_absent(db, audit))
    _transact(db, actions, refusals)


def _state_actions(db: Dynamo, card: Card, status: str, now: datetime, *, expect: tuple[str, ...]) -> list[Any]:
    """The card, its wallet and its list entry move to `status`, only from one of `expect`."""
    expr = Expr()
    allowed = " OR ".join(f"{expr.n('status')} = {expr.v(s)}" for s in expect)
    card_update = db.tx_update(
        keys.card(card.card_number),
        f"SET {expr.n('status')} = {expr.v(status)}, {expr.n('updated_at')} = {expr.v(iso(now))}",
        expr,
        condition=f"attribute_exists({expr.n('PK')}) AND ({allowed})",
    )
    listing = Expr()
    list_update = db.tx_update(
        keys.wallet_listing(card.wallet_id),
        f"SET {listing.n('status')} = {listing.v(status)}",
        listing,
        condition=f"attribute_exists({listing.n('PK')})",
    )
    return [card_update, list_update]


def _wallet_status(db: Dynamo, wallet_id: str, status: str, now: datetime) -> dict[str, Any]:
    expr = Expr()
    return db.tx_update(
        keys.wallet(wallet_id),
        f"SET {expr.n('status')} = {expr.v(status)}, {expr.n('updated_at')} = {expr.v(iso(now))}",
        expr,
        condition=f"attribute_exists({expr.n('PK')})",
    )


def block(db: Dynamo, card: Card, *, audit: Item, now: datetime) -> None:
    """紛失・盗難: the card and its wallet stop at once (a payment between its read and write fails)."""
    actions = _state_actions(db, card, Status.BLOCKED, now, expect=(Status.ACTIVE,))
    actions.insert(1, _wallet_status(db, card.wallet_id, Status.BLOCKED, now))
    actions.append(_absent(db, audit))
    _transact(db, actions, [(0, CardAlreadyStopped())])


def unblock(db: Dynamo, card: Card, *, audit: Item, now: datetime) -> None:
    """A blocked card that was found again works again (not a replaced or moved one)."""
    actions = _state_actions(db, card, Status.ACTIVE, now, expect=(Status.BLOCKED,))
    actions.insert(1, _wallet_status(db, card.wallet_id, Status.ACTIVE, now))
    actions.append(_absent(db, audit))
    _transact(db, actions, [(0, CardNotBlocked())])


def unlock(db: Dynamo, card: Card, *, audit: Item, now: datetime) -> None:
    """暗証番号ロック解除 at the counter: the wrong-PIN count back to 0."""
    expr = Expr()
    update = db.tx_update(
        keys.card(card.card_number),
        f"SET {expr.n('pin_failures')} = {expr.v(0)}, {expr.n('updated_at')} = {expr.v(iso(now))}",
        expr,
        condition=f"attribute_exists({expr.n('PK')})",
    )
    _transact(db, [update, _absent(db, audit)], [])


def spend_pin_try(db: Dynamo, number: str, now: datetime) -> Card:
    """Count a PIN try before the PIN is compared, by a conditioned ADD: guesses sent side by side get
    no more comparisons than the tries left, and racing tills never count past the limit. Returns the
    card as that write left it (its PIN is the one to compare); a card at the limit, or stopped, raises
    the card's refusal. A right PIN's try is taken back by the payment's own write (pay_authorization
    sets the count to 0), or by give_back_pin_try if the payment is refused after all."""
    expr, limit = Expr(), cards.MAX_PIN_FAILURES
    try:
        after = db.update(
            keys.card(number),
            f"ADD {expr.n('pin_failures')} {expr.v(1)} SET {expr.n('pin_tried_at')} = {expr.v(iso(now))}",
            expr,
            condition=f"{expr.n('status')} = {expr.v(Status.ACTIVE)} AND {expr.n('pin_failures')} < {expr.v(limit)}",
        )
    except ConditionFailed as failed:
        current = failed.item or {}
        cards.refuse_unless_active(str(current.get("status", Status.BLOCKED)))
        raise cards.CardLocked() from failed
    return Card(after)


def give_back_pin_try(db: Dynamo, number: str) -> None:
    """A right PIN whose payment was refused for another reason (the balance, the day's limit): its try
    does not count. Conditioned on a try being counted, so a reset in between stands."""
    db.take_back(keys.card(number), "pin_failures")


def pay_authorization(
    db: Dynamo,
    card: Card,
    *,
    pay_digest: str,
    amount: int,
    limit: int,
    now: datetime,
    new_pin_hash: str | None = None,
) -> Any:
    """The card's part of a payment's transaction: still active, the same payment secret and the same
    PIN as the one compared, within the day's limit; the PIN try count back to 0 and the day's spending
    counted. The count may stand at the limit here: the payment's own try (spend_pin_try) may have been
    the last one, and it was right. With `new_pin_hash`, the PIN is rewritten in the current scheme."""
    expr = Expr()
    today = jst_date(now)
    conditions = [
        f"{expr.n('status')} = {expr.v(Status.ACTIVE)}",
        f"{expr.n('pin_failures')} <= {expr.v(cards.MAX_PIN_FAILURES)}",
        f"{expr.n('pay_digest')} = {expr.v(pay_digest)}",
        f"{expr.n('pin_hash')} = {expr.v(card.pin_hash)}",
    ]
    sets = [f"{expr.n('pin_failures')} = {expr.v(0)}", f"{expr.n('last_paid_at')} = {expr.v(iso(now))}"]
    if new_pin_hash is not None:
        sets.append(f"{expr.n('pin_hash')} = {expr.v(new_pin_hash)}")
    if card.spent_day == today:
        conditions.append(f"{expr.n('spent_day')} = {expr.v(today)}")
        conditions.append(f"{expr.n('spent_today')} <= {expr.v(limit - amount)}")
        sets.append(f"{expr.n('spent_today')} = {expr.n('spent_today')} + {expr.v(amount)}")
    else:
        conditions.append(f"(attribute_not_exists({expr.n('spent_day')}) OR {expr.n('spent_day')} <> {expr.v(today)})")
        sets.append(f"{expr.n('spent_day')} = {expr.v(today)}")
        sets.append(f"{expr.n('spent_today')} = {expr.v(amount)}")
    return db.tx_update(keys.card(card.card_number), "SET " + ", ".join(sets), expr, condition=" AND ".join(conditions))


def spent_today(card: Card, now: datetime) -> int:
    """What the card spent on `now`'s JST day (the rule: records.Card.spent_on)."""
    return card.spent_on(jst_date(now))


def move(
    db: Dynamo,
    *,
    card: Card,
    source: Wallet,
    status: str,
    audit: Item,
    now: datetime,
    new_card: Item | None = None,
    new_wallet: Item | None = None,
    target: Wallet | None = None,
    resident: Item | None = None,
) -> None:
    """Reissue (new_card + new_wallet) or move to the app (target): every bucket leaves the old card's
    wallet, conditioned on the balances read, and arrives on the new wallet in the same transaction;
    the old card stops for good (`status` replaced / moved), its holders' units follow the value."""
    moved = dict(source.item.get("buckets") or {})  # the stored buckets, copied as they are
    old_id, number = source.wallet_id, card.card_number
    expr = Expr()
    unchanged = [f"{expr.n('status')} = {expr.v(source.status)}"]
    unchanged += [f"{expr.path('buckets', bid, 'balance')} = {expr.v(raw['balance'])}" for bid, raw in moved.items()]
    removal = ", ".join(expr.path("buckets", bid) for bid in moved)
    taken = db.tx_update(
        keys.wallet(old_id),
        (f"REMOVE {removal} " if removal else "")
        + f"SET {expr.n('status')} = {expr.v(status)}, {expr.n('updated_at')} = {expr.v(iso(now))}",
        expr,
        condition=" AND ".join(unchanged),
    )
    stop = Expr()
    to_number = new_card["card_number"] if new_card else None
    card_update = db.tx_update(
        keys.card(number),
        f"SET {stop.n('status')} = {stop.v(status)}, {stop.n('updated_at')} = {stop.v(iso(now))}, "
        f"{stop.n('moved_to')} = {stop.v(to_number or (target.wallet_id if target else None))}",
        stop,
        condition=f"{stop.n('status')} = {stop.v(Status.ACTIVE)} OR {stop.n('status')} = {stop.v(Status.BLOCKED)}",
    )
    listing = Expr()
    list_update = db.tx_update(keys.wallet_listing(old_id), f"SET {listing.n('status')} = {listing.v(status)}", listing)
    actions: list[Any] = [card_update, taken, list_update]
    refusals: list[tuple[int, Exception]] = [
        (0, CardMovedOn()),
        (1, CardBalanceChanged()),
    ]
    if new_card is not None and new_wallet is not None:
        arriving = new_wallet["wallet_id"]
        new_wallet = {**new_wallet, "buckets": moved}
        actions += [_absent(db, new_card), _absent(db, new_wallet), _absent(db, wallets.listing_item(new_wallet))]
        refusals += [(3, NumberClash()), (4, NumberClash())]
    elif target is not None:
        arriving = target.wallet_id
        into = Expr()
        sets = [f"{into.path('buckets', bid)} = {into.v(raw)}" for bid, raw in moved.items()]
        sets.append(f"{into.n('updated_at')} = {into.v(iso(now))}")
        live = [
            f"{into.n('status')} = {into.v(Status.ACTIVE)}",
            f"attribute_not_exists({into.n('card_number')})",
            *[f"attribute_not_exists({into.path('buckets', bid)})" for bid in moved],
        ]
        actions.append(
            db.tx_update(keys.wallet(str(arriving)), "SET " + ", ".join(sets), into, condition=" AND ".join(live))
        )
        refusals.append((3, TargetSuspended()))
    else:
        raise ValueError("a move needs a new card or a target wallet")
    for programme_id in sorted({str(raw["programme_id"]) for raw in moved.values()}):
        held = db.get(keys.programme_holder(programme_id, old_id)) or {}
        units = Expr()
        actions.append(
            db.tx_update(
                keys.programme_holder(programme_id, str(arriving)),
                f"ADD {units.n('units')} {units.v(int(held.get('units') or 0))} "
                f"SET {units.n('kind')} = {units.v('holder')}, {units.n('wallet_id')} = {units.v(arriving)}, "
                f"{units.n('programme_id')} = {units.v(programme_id)}",
                units,
            )
        )
    if resident is not None:
        actions.append(db.tx_put(resident))
    actions.append(_absent(db, audit))
    _transact(db, actions, refusals)


def find(db: Dynamo, number: str) -> Card:
    record = get(db, number)
    if record is None:
        raise CardNotFound()
    return record
