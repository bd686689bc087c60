"""申込 in the wallet (issue 15.1-15.2): confirm eligibility against the resident list, then apply for N
units within the limit, change or withdraw until the window closes (rules in shoken.sale)."""

from __future__ import annotations

from typing import Literal

from shoken import redemption, sale
from shoken.clock import jst_date
from shoken.db import keys, programmes, throttle, wallets
from shoken.db.dynamo import Item
from shoken.errors import NoSale
from shoken.principal import Principal
from shoken.runtime import Runtime
from shoken.status import DrawState
from wallet.schemas import ApplicationRequest, EligibilityRequest, RedeemRequest, WalletSale, WalletSales

# Tries an hour per wallet: enough for a resident who mistypes, far too few to guess anyone's details.
ELIGIBILITY_TRIES_PER_HOUR = 10
REDEEM_TRIES_PER_HOUR = 10


def _programme(rt: Runtime, caller: Principal, programme_id: str) -> Item:
    wallet = wallets.get(rt.db, caller.user_id)
    programme = programmes.get(rt.db, programme_id)
    if wallet is None or programme is None or programme["committee_id"] != wallet.committee_id:
        raise NoSale()
    return programme


def status(rt: Runtime, caller: Principal, programme_id: str) -> WalletSale:
    programme = _programme(rt, caller, programme_id)
    settings = sale.settings(rt, programme_id)
    if settings is None:
        raise NoSale()
    matching_hash = sale.wallet_person(rt, programme_id, caller.user_id)
    application = sale.application_of(rt, programme_id, matching_hash) if matching_hash else None
    round2 = settings.get("round2_state") == DrawState.DRAWN
    return WalletSale(
        programme_id=programme_id,
        programme_name=str(programme["name"]),
        apply_start=str(settings["apply_start"]),
        apply_end=str(settings["apply_end"]),
        limit_units=int(programme["limit_units"]),
        open=sale.is_open(rt, settings),
        eligible=matching_hash is not None,
        applied_units=int(application["units"]) if application else 0,
        result=_result(settings, application),
        won_units=int(application.get("won_units", 0))
        if application and settings.get("draw_state") == DrawState.DRAWN
        else 0,
        purchased_units=int(application.get("purchased_units", 0)) if application else 0,
        purchase_end=sale.purchase_deadline(settings, programme)
        if settings.get("draw_state") == DrawState.DRAWN
        else None,
        lapsed=bool(application.get("lapsed")) if application else False,
        second_round_units=int(application.get("won2_units", 0)) if application and round2 else 0,
        second_round_purchased=int(application.get("purchased2_units", 0)) if application else 0,
        second_round_end=str(settings["round2_purchase_end"]) if round2 else None,
        payment_reference=str(application["pay_ref"]) if application and application.get("pay_ref") else None,
        amount_due=_due(rt, programme, settings, application),
    )


def _due(rt: Runtime, programme: Item, settings: Item, application: Item | None) -> int:
    """The yen still to pay by bank transfer for the units won in the round open today: none once its
    deadline has passed, when a transfer would no longer be credited (sale.payable)."""
    if application is None or settings.get("draw_state") != DrawState.DRAWN:
        return 0
    round_no = sale.payable(settings, programme, application, jst_date(rt.clock.now())).round
    if not round_no:
        return 0
    won_name, bought_name = sale.ROUNDS[round_no]
    left = int(application.get(won_name, 0)) - int(application.get(bought_name, 0))
    return max(left, 0) * int(programme["unit_price"])


def _result(settings: Item, application: Item | None) -> Literal["won", "lost"] | None:
    if application is None or settings.get("draw_state") != DrawState.DRAWN:
        return None
    return "won" if int(application.get("won_units", 0)) > 0 else "lost"  # DrawResult, as the schema's Literal


def _count_try(rt: Runtime, caller: Principal, kind: str, per_hour: int, what: str) -> None:
    """One more try of the wallet's in the hour; refused past `per_hour`."""
    throttle.hit(rt.db, f"{kind}#{caller.user_id}", limit=per_hour, window_seconds=3600, now=rt.clock.now(), what=what)


def confirm(rt: Runtime, caller: Principal, programme_id: str, body: EligibilityRequest) -> WalletSale:
    """申込資格の確認: the wallet's person on the resident list. Tries are limited per wallet like 引換コード,
    or a wallet could learn who is on the list and, knowing a neighbour's name and birth date, walk the
    住民番号 until it took her eligibility."""
    _programme(rt, caller, programme_id)
    _count_try(rt, caller, "elig", ELIGIBILITY_TRIES_PER_HOUR, "申込資格の確認")
    # a field that cannot be normalised is refused as residents.FieldError (400, with its sentence)
    matching_hash = sale.person_hash(rt, programme_id, body.resident_key, body.name_kana, body.birth_date)
    sale.become_eligible(rt, programme_id, caller.user_id, matching_hash)
    return status(rt, caller, programme_id)


def redeem(rt: Runtime, caller: Principal, programme_id: str, body: RedeemRequest) -> WalletSale:
    """Become eligible with an 引換コード; tries are limited per wallet, so codes cannot be guessed."""
    _programme(rt, caller, programme_id)
    if sale.settings(rt, programme_id) is None:
        raise NoSale()
    _count_try(rt, caller, "redeem", REDEEM_TRIES_PER_HOUR, "引換コードの入力")
    redemption.redeem(rt, programme_id, caller.user_id, body.code)
    return status(rt, caller, programme_id)


def apply(rt: Runtime, caller: Principal, programme_id: str, body: ApplicationRequest) -> WalletSale:
    _programme(rt, caller, programme_id)
    sale.apply_in_wallet(rt, programme_id, caller.user_id, body.units)
    return status(rt, caller, programme_id)


def withdraw(rt: Runtime, caller: Principal, programme_id: str) -> WalletSale:
    _programme(rt, caller, programme_id)
    sale.withdraw_in_wallet(rt, programme_id, caller.user_id)
    return status(rt, caller, programme_id)


def list_open(rt: Runtime, caller: Principal) -> WalletSales:
    """The programmes of the wallet's committee that are sold by application (one Query, one BatchGetItem)."""
    wallet = wallets.get(rt.db, caller.user_id)
    if wallet is None:
        raise NoSale()
    found = programmes.list_for_committee(rt.db, wallet.committee_id)
    wanted = [keys.sale_settings(str(p["programme_id"])) for p in found]
    with_sale = rt.db.batch_get(wanted, consistent=False) if wanted else {}
    return WalletSales(
        items=[
            status(rt, caller, str(p["programme_id"]))
            for p in found
            if keys.sale_settings(str(p["programme_id"])) in with_sale
        ]
    )
