"""カード型 (issue 16): issue cards at the counter or in bulk, block / unblock, unlock a PIN, reissue and
move a card to the app. Committee level only; every change is one transaction with its audit entry."""

from __future__ import annotations

import base64
import math
from datetime import datetime, timedelta

from programme import card_sheet
from programme.card_schemas import (
    CardBatchRequest,
    CardDetail,
    CardIssueRequest,
    CardLinkRequest,
    CardReissueRequest,
    CardResident,
    CardSettings,
    CardSettingsView,
    CardSheet,
    CardView,
)
from programme.errors import (
    CardReasonRequired,
    CardRowsNotListed,
    CardRowsTwice,
    CardsCommitteeOnly,
    LinkTargetNotFound,
)
from shoken import api, cards, console, ids, money, residents, sale
from shoken.clock import jst_date, jst_display
from shoken.config import PublicUrlConfig
from shoken.console_models import BalanceLine
from shoken.db import cards as card_items
from shoken.db import committees, keys, programmes, wallets
from shoken.db.dynamo import Expr, Found, Item
from shoken.db.records import Card, Wallet, optional
from shoken.errors import (
    CardNotFound,
    CardSheetPending,
    CommitteeNotFound,
    InvalidRequest,
    ProgrammeNotFound,
    Wait,
    field_problem,
)
from shoken.money import VoucherType
from shoken.principal import Principal, Scope
from shoken.roles import Role
from shoken.runtime import Runtime
from shoken.status import Status

SHEET_WAIT = timedelta(seconds=60)  # longer than a console request can live (29 s)


def _require(caller: Principal) -> None:
    if caller.role not in (Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN):
        raise CardsCommitteeOnly()


def _committee(rt: Runtime, caller: Principal, committee_id: str | None) -> Item:
    _require(caller)
    wanted = committee_id or caller.committee_id
    if not wanted:
        raise InvalidRequest(details=[{"field": "committee_id", "reason": "required"}])
    record = committees.get(rt.db, wanted)
    if record is None or not caller.covers(Scope(wanted)):
        raise CommitteeNotFound()
    return record


def _visible(rt: Runtime, caller: Principal, number: str) -> tuple[Card, Wallet]:
    _require(caller)
    cards.wallet_of(number)
    card = card_items.get(rt.db, number)
    if card is None or not caller.covers(Scope(card.committee_id)):
        raise CardNotFound()
    wallet = wallets.get(rt.db, card.wallet_id)
    if wallet is None:
        raise CardNotFound()
    return card, wallet


def daily_limit(committee: Item) -> int:
    return int(committee.get("card_daily_limit") or cards.DEFAULT_DAILY_LIMIT)


def view(rt: Runtime, card: Card, wallet: Wallet | None) -> CardView:
    today = jst_date(rt.clock.now())
    failures = card.pin_failures
    status = str(card.status)
    return CardView(
        card_number=card.card_number,
        card_number_display=cards.display_number(card.card_number),
        wallet_id=card.wallet_id,
        committee_id=card.committee_id,
        status=status,
        status_label=cards.STATUS_LABELS.get(status, status)
        + ("・暗証番号ロック中" if failures >= cards.MAX_PIN_FAILURES else ""),
        pin_locked=failures >= cards.MAX_PIN_FAILURES,
        pin_failures=failures,
        balance=money.available(wallet.buckets if wallet else [], today=today, large_store=False),
        issued_at=card.issued_at,
        replaces=card.replaces,
        moved_to=card.moved_to,
    )


def detail(rt: Runtime, caller: Principal, number: str) -> CardDetail:
    card, wallet = _visible(rt, caller, number)
    return _detail(rt, card, wallet)


def _detail(rt: Runtime, card: Card, wallet: Wallet | None) -> CardDetail:
    committee = committees.get(rt.db, card.committee_id) or {}
    today = jst_date(rt.clock.now())
    balances = [
        BalanceLine(**line, voucher_type_label=VoucherType(line["voucher_type"]).label)
        for line in money.summary(wallet.buckets if wallet else [], today=today)
    ]
    return CardDetail(
        **view(rt, card, wallet).model_dump(),
        balances=balances,
        daily_limit=daily_limit(committee),
        spent_today=card_items.spent_today(card, rt.clock.now()),
    )


# --- issue --------------------------------------------------------------------------------------------
def _pin(pin: str | None) -> tuple[str, str | None]:
    """The PIN to set and the one to print (a generated one only)."""
    if pin:
        cards.check_pin_rule(pin)
        return pin, None
    generated = cards.new_pin()
    return generated, generated


def _resident_hash(rt: Runtime, programme_id: str, who: CardResident) -> str:
    # a field that cannot be normalised is refused as residents.FieldError (400, with its sentence)
    return sale.person_hash(rt, programme_id, who.resident_key, who.name_kana, who.birth_date)


def _new_card(
    rt: Runtime,
    committee: Item,
    *,
    pin: str | None,
    holder_name: str | None,
    programme_id: str | None = None,
    resident_hash: str | None = None,
    replacing: tuple[Card, Wallet] | None = None,
    sheet: str,
) -> tuple[Card, card_sheet.Page]:
    """Write one new card (or the reissue of `replacing`: card and wallet) and its page of `sheet`."""
    chosen, printed = _pin(pin)
    pin_hash = cards.hash_pin(rt.pin_pepper, chosen)
    now = rt.clock.now()
    scope = Scope(str(committee["committee_id"]))
    for _ in range(5):
        wallet_id = ids.wallet_id()
        number = cards.number_for(wallet_id)
        pay_secret, balance_secret = cards.new_secret(), cards.new_secret()
        card = card_items.card_item(
            number,
            wallet_id=wallet_id,
            committee_id=str(committee["committee_id"]),
            pin_hash=pin_hash,
            pay_digest=cards.secret_digest(pay_secret),
            balance_digest=cards.secret_digest(balance_secret),
            now=now,
            programme_id=programme_id or (replacing[0].programme_id if replacing else None),
            resident_hash=resident_hash or (replacing[0].resident_hash if replacing else None),
            replaces=replacing[0].card_number if replacing else None,
            sheet=sheet,
        )
        wallet = card_items.wallet_item(wallet_id, committee=committee, number=number, now=now, buckets=None)
        page = _page(rt, number, (pay_secret, balance_secret), holder_name=holder_name, pin=printed)
        try:
            if replacing is None:
                audit = api.audit_item(
                    "card_issued", scope=scope, target_type="card", target_id=number, wallet_id=wallet_id,
                    programme_id=programme_id,
                )  # fmt: skip
                resident = (
                    card_items.resident_item(programme_id, resident_hash, number)
                    if programme_id and resident_hash
                    else None
                )
                card_items.issue(rt.db, card=card, wallet=wallet, resident=resident, audit=audit)
            else:
                old_card, old_wallet = replacing
                audit = api.audit_item(
                    "card_reissued",
                    scope=scope,
                    target_type="card",
                    target_id=old_card.card_number,
                    new_card=number,
                    wallet_id=old_wallet.wallet_id,
                    new_wallet_id=wallet_id,
                    moved={b.bucket_id: b.balance for b in old_wallet.buckets},
                )
                guard = None
                if old_card.programme_id and old_card.resident_hash:
                    guard = card_items.resident_item(old_card.programme_id, old_card.resident_hash, number)
                card_items.move(
                    rt.db,
                    card=old_card,
                    source=old_wallet,
                    status=Status.REPLACED,
                    audit=audit,
                    now=now,
                    new_card=card,
                    new_wallet=wallet,
                    resident=guard,
                )
        except card_items.NumberClash:
            continue
        return Card(card), page
    raise RuntimeError("could not allocate a card number")


def _page(
    rt: Runtime, number: str, secrets: tuple[str, str], *, holder_name: str | None, pin: str | None
) -> card_sheet.Page:
    pay_secret, balance_secret = secrets
    return card_sheet.Page(
        number=number,
        pay_text=cards.pay_text(number, pay_secret),
        balance_url=cards.balance_url(rt.require(PublicUrlConfig).public_base_url, number, balance_secret),
        holder_name=holder_name,
        pin=pin,
    )


def _undelivered(rt: Runtime, programme_id: str, held: Found) -> dict[str, Card]:
    """Of the residents' cards in `held` (their CARDRES guards, as read), those whose sheet was never made,
    by resident hash. A card written less than SHEET_WAIT ago may still be on its way out in a live
    request (the programme function stops at 29 s): printing it again would leave that sheet with dead
    secrets, so the clerk is asked to wait."""
    prefix = keys.card_resident(programme_id, "")[0]
    numbers = {pk.removeprefix(prefix): str(item["card_number"]) for (pk, _), item in held.items()}
    waiting = card_items.undelivered(rt.db, list(numbers.values()))
    now = rt.clock.now()
    youngest = max((datetime.fromisoformat(str(c.updated_at)) for c in waiting.values()), default=None)
    if youngest is not None and now - youngest < SHEET_WAIT:
        seconds = math.ceil((SHEET_WAIT - (now - youngest)).total_seconds())
        raise CardSheetPending(retry_after=seconds, wait=Wait(seconds))
    return {h: waiting[n] for h, n in numbers.items() if n in waiting}


def _print_again(
    rt: Runtime, card: Card, *, pin: str | None, holder_name: str | None, sheet: str
) -> tuple[Card, card_sheet.Page] | None:
    """A card whose sheet was never made (its request failed after the card was written): nobody saw its
    PIN or QR secrets, so it gets new ones on this sheet. None if another clerk printed it first."""
    chosen, printed = _pin(pin)
    secrets = (cards.new_secret(), cards.new_secret())
    audit = api.audit_item(
        "card_sheet_reprinted", scope=Scope(card.committee_id), target_type="card", target_id=card.card_number,
        wallet_id=card.wallet_id,
    )  # fmt: skip
    try:
        again = card_items.new_secrets(
            rt.db, card, pin_hash=cards.hash_pin(rt.pin_pepper, chosen), pay_digest=cards.secret_digest(secrets[0]),
            balance_digest=cards.secret_digest(secrets[1]), sheet=sheet, audit=audit, now=rt.clock.now(),
        )  # fmt: skip
    except card_items.SheetTaken:
        return None
    return again, _page(rt, card.card_number, secrets, holder_name=holder_name, pin=printed)


def _sheet(
    rt: Runtime,
    committee: Item,
    issued: list[tuple[Card, card_sheet.Page]],
    skipped: list[int],
    *,
    sheet: str,
    printed_again: list[int] | None = None,
) -> CardSheet:
    """The PDF of the cards' pages; once the answer is made, `sheet` is marked delivered (its cards were
    seen), the last step before the answer goes out."""
    now = rt.clock.now()
    content = card_sheet.render(committee, [page for _, page in issued]) if issued else b""
    stamp = jst_display(now).replace("/", "").replace(":", "").replace(" ", "_")
    name = f"card_{issued[0][0].card_number}.pdf" if len(issued) == 1 else f"cards_{stamp}_{len(issued)}.pdf"
    held = rt.db.batch_get([keys.wallet(card.wallet_id) for card, _ in issued]) if issued else {}
    answer = CardSheet(
        cards=[view(rt, card, optional(Wallet, held.get(keys.wallet(card.wallet_id)))) for card, _ in issued],
        skipped=skipped,
        printed_again=printed_again or [],
        file_name=name,
        content_base64=base64.b64encode(content).decode(),
    )
    if issued:
        card_items.sheet_delivered(rt.db, sheet, now)
    return answer


def _reason(reason: str | None) -> str:
    if not reason or reason not in residents.REASONS:
        raise CardReasonRequired()
    return reason


def issue(rt: Runtime, caller: Principal, body: CardIssueRequest) -> CardSheet:
    """窓口でのカード発行 (one card, its sheet)."""
    programme_id, resident_hash = body.programme_id, None
    if programme_id:
        programme = console.in_scope(caller, programmes.get(rt.db, programme_id), ProgrammeNotFound)
        committee = _committee(rt, caller, str(programme["committee_id"]))
        if body.resident is None:
            raise InvalidRequest(details=[{"field": "resident", "reason": "required"}])
        reason = _reason(body.reason)
        resident_hash = _resident_hash(rt, programme_id, body.resident)
        api.audit_event(
            "resident_searched", scope=Scope(str(committee["committee_id"])), target_type="programme",
            target_id=programme_id, reason=reason, purpose="card_issue",
        )  # fmt: skip
    else:
        committee = _committee(rt, caller, body.committee_id)
    holder = body.holder_name or (body.resident.holder_name if body.resident else None)
    card_sheet.check_names([holder])
    sheet = ids.random_token(12)
    waiting = {}
    if programme_id and resident_hash:
        guard = keys.card_resident(programme_id, resident_hash)
        waiting = _undelivered(rt, programme_id, rt.db.batch_get([guard]))
    if resident_hash in waiting:
        again = _print_again(rt, waiting[resident_hash], pin=body.pin, holder_name=holder, sheet=sheet)
        if again:
            return _sheet(rt, committee, [again], [], sheet=sheet, printed_again=[1])
    issued = _new_card(
        rt, committee, pin=body.pin, holder_name=holder, programme_id=programme_id, resident_hash=resident_hash,
        sheet=sheet,
    )  # fmt: skip
    return _sheet(rt, committee, [issued], [], sheet=sheet)


def issue_batch(rt: Runtime, caller: Principal, body: CardBatchRequest) -> CardSheet:
    """一括発行: every row must be on the programme's list (else nothing is issued and the rows are named);
    a resident who already holds a card is skipped, so a re-run issues only the missing cards, and prints
    again, with new secrets and PIN, the cards of an earlier run that failed before its sheet was made."""
    programme = console.in_scope(caller, programmes.get(rt.db, body.programme_id), ProgrammeNotFound)
    committee = _committee(rt, caller, str(programme["committee_id"]))
    reason = _reason(body.reason)
    card_sheet.check_names([row.holder_name for row in body.rows])
    hashes: list[str] = []
    wrong: list[dict[str, object]] = []
    for line, row in enumerate(body.rows, start=1):
        try:
            hashes.append(_resident_hash(rt, body.programme_id, row))
        except InvalidRequest as error:
            wrong.append(field_problem(f"rows[{line}]", "format", "row_problem", line=line, problem=error.text))
        except Exception as error:  # not on the list, or no list yet
            if getattr(error, "code", None) == "resident_list_missing":
                raise
            wrong.append(field_problem(f"rows[{line}]", "unknown", "row_not_listed", line=line))
    if wrong:
        raise CardRowsNotListed(count=len(wrong), details=wrong)
    if len(set(hashes)) != len(hashes):
        raise CardRowsTwice()
    api.audit_event(
        "resident_searched", scope=Scope(str(committee["committee_id"])), target_type="programme",
        target_id=body.programme_id, reason=reason, purpose="card_batch", count=len(hashes),
    )  # fmt: skip
    held = rt.db.batch_get([keys.card_resident(body.programme_id, h) for h in hashes])
    waiting = _undelivered(rt, body.programme_id, held)
    sheet = ids.random_token(12)
    issued, skipped, printed_again = [], [], []
    for line, (row, matching_hash) in enumerate(zip(body.rows, hashes, strict=True), start=1):
        again = None
        if matching_hash in waiting:
            again = _print_again(rt, waiting[matching_hash], pin=None, holder_name=row.holder_name, sheet=sheet)
        if again:
            issued.append(again)
            printed_again.append(line)
            continue
        if keys.card_resident(body.programme_id, matching_hash) in held:
            skipped.append(line)
            continue
        try:
            issued.append(
                _new_card(
                    rt,
                    committee,
                    pin=None,
                    holder_name=row.holder_name,
                    programme_id=body.programme_id,
                    resident_hash=matching_hash,
                    sheet=sheet,
                )
            )
        except card_items.CardAlreadyIssued:  # issued by another clerk meanwhile
            skipped.append(line)
    return _sheet(rt, committee, issued, skipped, sheet=sheet, printed_again=printed_again)


# --- state ----------------------------------------------------------------------------------------------
def _audit(action: str, card: Card, **detail: object) -> Item:
    return api.audit_item(
        action, scope=Scope(card.committee_id), target_type="card", target_id=card.card_number, **detail
    )


def _again(rt: Runtime, number: str) -> CardDetail:
    card = card_items.find(rt.db, number)
    return _detail(rt, card, wallets.get(rt.db, card.wallet_id))


def block(rt: Runtime, caller: Principal, number: str) -> CardDetail:
    card, _ = _visible(rt, caller, number)
    cards.refuse_unless_active(card.status)
    card_items.block(rt.db, card, audit=_audit("card_blocked", card), now=rt.clock.now())
    return _again(rt, number)


def unblock(rt: Runtime, caller: Principal, number: str) -> CardDetail:
    card, _ = _visible(rt, caller, number)
    card_items.unblock(rt.db, card, audit=_audit("card_unblocked", card), now=rt.clock.now())
    return _again(rt, number)


def unlock(rt: Runtime, caller: Principal, number: str) -> CardDetail:
    card, _ = _visible(rt, caller, number)
    card_items.unlock(
        rt.db, card, audit=_audit("card_pin_unlocked", card, failures=card.pin_failures),
        now=rt.clock.now(),
    )  # fmt: skip
    return _again(rt, number)


def reissue(rt: Runtime, caller: Principal, number: str, body: CardReissueRequest) -> CardSheet:
    """再発行: a new number with the balance moved in one transaction; the old card never works again."""
    card, wallet = _visible(rt, caller, number)
    if card.status not in (Status.ACTIVE, Status.BLOCKED):
        cards.refuse_unless_active(card.status)
    committee = _committee(rt, caller, card.committee_id)
    card_sheet.check_names([body.holder_name])
    sheet = ids.random_token(12)
    issued = _new_card(rt, committee, pin=body.pin, holder_name=body.holder_name, replacing=(card, wallet), sheet=sheet)
    return _sheet(rt, committee, [issued], [], sheet=sheet)


def link(rt: Runtime, caller: Principal, number: str, body: CardLinkRequest) -> CardDetail:
    """アプリへ移行: the card's balance moves to the app wallet in one transaction; the card stops."""
    card, wallet = _visible(rt, caller, number)
    if card.status not in (Status.ACTIVE, Status.BLOCKED):
        cards.refuse_unless_active(card.status)
    target = wallets.get(rt.db, body.wallet_id)
    if target is None or target.committee_id != card.committee_id:
        raise LinkTargetNotFound()
    if target.card_number:
        raise card_items.NotAnAppWallet()
    if not target.active:
        raise card_items.TargetSuspended()
    audit = _audit(
        "card_moved_to_app",
        card,
        wallet_id=wallet.wallet_id,
        target_wallet_id=body.wallet_id,
        moved={b.bucket_id: b.balance for b in wallet.buckets},
    )
    card_items.move(
        rt.db, card=card, source=wallet, status=Status.MOVED, audit=audit, now=rt.clock.now(), target=target
    )
    return _again(rt, number)


# --- settings --------------------------------------------------------------------------------------------
def settings(rt: Runtime, caller: Principal, committee_id: str) -> CardSettingsView:
    committee = _committee(rt, caller, committee_id)
    return CardSettingsView(committee_id=committee_id, daily_limit=daily_limit(committee))


def update_settings(rt: Runtime, caller: Principal, committee_id: str, body: CardSettings) -> CardSettingsView:
    """カードの1日あたりの利用上限 (the programme's card rule; every card of the city)."""
    committee = _committee(rt, caller, committee_id)
    expr = Expr()
    rt.db.update(
        keys.committee(committee_id),
        f"SET {expr.n('card_daily_limit')} = {expr.v(body.daily_limit)}",
        expr,
        condition=f"attribute_exists({expr.n('PK')})",
    )
    api.audit_event(
        "card_settings_updated", scope=Scope(committee_id), target_type="committee", target_id=committee_id,
        before=daily_limit(committee), after=body.daily_limit,
    )  # fmt: skip
    return CardSettingsView(committee_id=committee_id, daily_limit=body.daily_limit)
