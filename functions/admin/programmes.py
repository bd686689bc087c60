"""商品券事業 (programmes), 店頭チャージ (purchases recorded at the counter) and チャージ取消."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from admin import lookup
from admin.errors import (
    AppUserNotFound,
    ChargeLapsed,
    ChargeWhom,
    ChooseCommittee,
    CommitteeAdminOnly,
    NoAppUserWithEmail,
    OutsideSalePeriod,
)
from admin.schemas import (
    Cancelled,
    ChargeRequest,
    ChargeResult,
    ProgrammeCreate,
    ProgrammeFields,
    ProgrammeList,
    ProgrammeView,
)
from shoken import api, cards, console, ids, money, qr, residents, sale
from shoken.clock import iso, jst_date
from shoken.db import cards as card_items
from shoken.db import idempotency, keys, ledger, programmes, sequences, transactions, wallets
from shoken.db.dynamo import ConditionFailed, Expr, Item
from shoken.db.records import Transaction, Wallet
from shoken.errors import (
    CardOfAnotherPerson,
    Conflict,
    DomainError,
    InvalidRequest,
    ProgrammeNotFound,
    TransactionNotFound,
    field_problem,
)
from shoken.principal import Principal, Scope
from shoken.roles import Role
from shoken.runtime import Runtime
from shoken.txn_types import PURCHASES, TxnStatus, TxnType


class TermsFrozen(DomainError):
    """The money terms of a programme (price, value, use period) once value may have been sold or
    applied for under them: the next buyer would get other terms for the same yen, and the 請求額 of
    winners already mailed would change."""

    code = "programme_terms_frozen"


# What a unit costs and gives, and when it may be used: fixed from the first day of sale or applications.
MONEY_TERMS = ("unit_price", "shares", "sale_start", "use_start", "use_end")


def _require(caller: Principal) -> None:
    if caller.role not in (Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN):
        raise CommitteeAdminOnly()


def view(record: Item) -> ProgrammeView:
    shares = record["shares"]
    value = sum(int(v) for v in shares.values())
    return ProgrammeView(
        programme_id=str(record["programme_id"]),
        committee_id=str(record["committee_id"]),
        name=str(record["name"]),
        unit_price=int(record["unit_price"]),
        unit_value=value,
        common_share=int(shares.get("common", 0)),
        dedicated_share=int(shares.get("dedicated", 0)),
        premium_label=f"{int(record['unit_price']):,}円で{value:,}円分",
        sale_start=str(record["sale_start"]),
        sale_end=str(record["sale_end"]),
        use_start=str(record["use_start"]),
        use_end=str(record["use_end"]),
        limit_units=int(record["limit_units"]),
        status=str(record["status"]),
        reminder_days=programmes.reminder_days(record),
    )


def _fields(body: ProgrammeFields) -> dict[str, Any]:
    shares = {k: v for k, v in (("common", body.common_share), ("dedicated", body.dedicated_share)) if v}
    return {
        "name": body.name,
        "unit_price": body.unit_price,
        "shares": shares,
        "sale_start": body.sale_start.isoformat(),
        "sale_end": body.sale_end.isoformat(),
        "use_start": body.use_start.isoformat(),
        "use_end": body.use_end.isoformat(),
        "limit_units": body.limit_units,
        "reminder_days": sorted(body.reminder_days, reverse=True),
    }


def create(rt: Runtime, caller: Principal, body: ProgrammeCreate) -> ProgrammeView:
    _require(caller)
    committee_id = caller.committee_id if caller.role is Role.COMMITTEE_ADMIN else body.committee_id
    if not committee_id or not any(c["committee_id"] == committee_id for c in lookup.visible_committees(rt, caller)):
        raise InvalidRequest(details=[field_problem("committee_id", "required", ChooseCommittee)])
    programme_id = f"P{sequences.next_value(rt.db, 'programme'):04d}"
    record = programmes.item(programme_id, committee_id=committee_id, now=iso(rt.clock.now()), **_fields(body))
    rt.db.put(record, condition="attribute_not_exists(PK)")
    console.programme_event("programme_created", record)
    return view(record)


def update(rt: Runtime, caller: Principal, programme_id: str, body: ProgrammeFields) -> ProgrammeView:
    current = _visible(rt, caller, programme_id)
    wanted = _fields(body)
    changed = {k: v for k, v in wanted.items() if current.get(k) != v}
    frozen = [k for k in MONEY_TERMS if k in changed]
    today = jst_date(rt.clock.now())
    expr = Expr()
    condition = None
    if frozen:
        opened = _first_day(rt, current)
        if opened <= today:
            raise TermsFrozen()
        # The first day of sale is conditioned too: it may be moved earlier while this request runs.
        condition = f"{expr.n('sale_start')} > {expr.v(today)}"
    fields = wanted | {"updated_at": iso(rt.clock.now())}
    try:
        record = rt.db.update(
            keys.programme(programme_id),
            "SET " + ", ".join(f"{expr.n(k)} = {expr.v(v)}" for k, v in fields.items()),
            expr,
            condition=condition,
        )
    except ConditionFailed as moved:
        raise TermsFrozen() from moved
    console.programme_event(
        "programme_updated",
        current,
        changes=[f"{FIELD_LABELS[k]}: {_shown(current.get(k))} → {_shown(v)}" for k, v in changed.items()],
    )
    return view(record)


FIELD_LABELS = {
    "name": "事業名",
    "unit_price": "販売価格",
    "shares": "商品券の額",
    "sale_start": "販売開始日",
    "sale_end": "販売終了日",
    "use_start": "利用開始日",
    "use_end": "利用終了日",
    "limit_units": "購入上限",
    "reminder_days": "失効前のお知らせ",
}
SHARE_LABELS = {"common": "共通券", "dedicated": "専用券"}


def _shown(value: Any) -> str:
    """A programme field as the 監査ログ shows its before and after."""
    if isinstance(value, dict):
        return "・".join(f"{SHARE_LABELS.get(k, k)}{int(v):,}円" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(f"{int(d)}日前" for d in value) or "なし"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else str(value)


def _first_day(rt: Runtime, programme: Item) -> str:
    """The first day value may be sold or applied for under the programme's terms."""
    settings = sale.settings(rt, str(programme["programme_id"]))
    starts = [str(programme["sale_start"])] + ([str(settings["apply_start"])] if settings else [])
    return min(starts)


def list_visible(rt: Runtime, caller: Principal) -> ProgrammeList:
    found: list[Item] = []
    for committee in lookup.visible_committees(rt, caller):
        found += programmes.list_for_committee(rt.db, str(committee["committee_id"]))
    return ProgrammeList(items=[view(p) for p in found])


def get(rt: Runtime, caller: Principal, programme_id: str) -> ProgrammeView:
    return view(_visible(rt, caller, programme_id, read_only=True))


def _visible(rt: Runtime, caller: Principal, programme_id: str, *, read_only: bool = False) -> Item:
    if not read_only:
        _require(caller)
    record = programmes.get(rt.db, programme_id, consistent=True)
    if record is None or not caller.in_committee(str(record["committee_id"])):
        raise ProgrammeNotFound()
    return record


# --- 店頭チャージ ------------------------------------------------------------------------------------------
def _find_wallet(rt: Runtime, caller: Principal, body: ChargeRequest, committee: Item) -> Wallet:
    wallet_id = body.wallet_id
    if body.qr and cards.is_card_text(body.qr):  # a card wallet: its payment QR (or its number below)
        wallet_id = cards.parse_pay(body.qr).wallet_id
    elif body.qr:
        wallet_id = qr.parse(body.qr).wallet_id
    elif body.card_number:
        wallet_id = cards.wallet_of(body.card_number)
    elif body.email:
        guard = rt.db.get(keys.citizen_email(str(committee["wallet_service_id"]), body.email))
        if guard is None:
            raise NoAppUserWithEmail()
        wallet_id = str(guard["wallet_id"])
    if not wallet_id:
        raise ChargeWhom()
    record = wallets.get(rt.db, wallet_id)
    if (
        record is None
        or not caller.covers(Scope(record.committee_id))
        or record.committee_id != committee["committee_id"]
    ):
        raise AppUserNotFound()
    if record.card_number:  # a blocked, replaced or moved card is refused by its own reason
        cards.refuse_unless_active(record.status)
    return record


def _counter_person(rt: Runtime, body: ChargeRequest, wallet: Wallet) -> str | None:
    """The person the clerk identified for a lottery programme's purchase (a paper winner has no wallet
    of his own): by the resident fields typed at the counter, matched as the eligibility check matches
    them, or by the card issued to him from the programme's list. Both given must be the same person."""
    card_person = None
    card = card_items.get(rt.db, wallet.card_number) if wallet.card_number else None
    if card is not None and card.programme_id == body.programme_id and card.resident_hash:
        card_person = card.resident_hash
    if body.resident is None or sale.settings(rt, body.programme_id) is None:
        return card_person
    who = body.resident
    try:
        typed = sale.person_hash(rt, body.programme_id, who.resident_key, who.name_kana, who.birth_date)
    except residents.FieldError as error:
        raise InvalidRequest(str(error)) from error
    if card_person and typed != card_person:
        raise CardOfAnotherPerson()
    return typed


def charge(rt: Runtime, caller: Principal, body: ChargeRequest) -> ChargeResult:
    """Record a purchase once the committee has received the money (a retried click charges once)."""
    _require(caller)

    def plan(_: dict[keys.Key, Item], now: datetime) -> idempotency.Planned[ChargeResult]:
        programme = _visible(rt, caller, body.programme_id)
        committee = rt.db.get(keys.committee(str(programme["committee_id"])))
        assert committee is not None
        wallet = _find_wallet(rt, caller, body, committee)
        if not (programme["sale_start"] <= jst_date(now) <= programme["sale_end"]):
            raise OutsideSalePeriod()
        terms = programmes.terms(programme)
        # 抽選販売 (issue 15.5): the buyer's 当選 units, consumed in the charge's transaction
        person = _counter_person(rt, body, wallet)
        allocation = sale.counter_allocation(rt, programme, wallet.wallet_id, body.units, person)
        number = ids.transaction_number(now)
        bought = (
            sale.purchase_fields(body.programme_id, number, allocation.person, allocation.round) if allocation else {}
        )
        added = money.purchase_buckets(terms, body.units, source=number, created_at=iso(now))
        amounts = {b.bucket_id: b.initial for b in added}
        balance_after = money.available([*wallet.buckets, *added], today=jst_date(now), large_store=False)
        result = ChargeResult(
            number=number,
            wallet_id=wallet.wallet_id,
            email=wallet.email or "",  # "" for a card's wallet; an erased one is refused by the write
            card_number=wallet.card_number,
            programme_name=str(programme["name"]),
            units=body.units,
            price=terms.unit_price * body.units,
            amount=sum(amounts.values()),
            occurred_at=iso(now),
            balance_after=balance_after,
        )
        txn = transactions.item(
            number,
            txn_type=TxnType.STORE_CHARGE,
            at=now,
            amount=result.amount,
            committee=committee,
            wallet_id=wallet.wallet_id,
            wallet_external_id=wallet.external_user_id,
            **transactions.moved(added, amounts),
            programme_id=programme["programme_id"],
            programme_name=programme["name"],
            units=body.units,
            price=result.price,
            operator_id=caller.user_id,
            operator_login=caller.login_id,
            **bought,
        )
        matched = {"resident_matched": True} if body.resident else {}
        audit = _audit("store_charge", committee, number, wallet_id=wallet.wallet_id, units=body.units, **matched)

        def write(record: Item) -> None:
            ledger.charge(
                rt.db,
                wallet_id=wallet.wallet_id,
                programme_id=str(programme["programme_id"]),
                units=body.units,
                limit_units=int(programme["limit_units"]),
                buckets=added,
                txn=txn,
                idempotency=record,
                audit=audit,
                now=now,
                allocation=allocation.step if allocation else None,
            )

        return idempotency.Planned(result, write)

    # A taken transaction number (NumberTaken) is drawn again; a suspended wallet or the limit is refused.
    return idempotency.settle(
        rt.db,
        rt.clock,
        scope=f"console:{caller.user_id}",
        idem_key=body.idempotency_key,
        request=body.model_dump(exclude={"idempotency_key"}),
        result_type=ChargeResult,
        plan=plan,
        attempts=3,
        exhausted=Conflict,
    )


def _audit(action: str, scoped: Item, number: str, **facts: Any) -> Item:
    """The audit entry of a charge or its cancel, in the committee's log, written in its transaction."""
    return api.audit_item(
        action, scope=Scope(str(scoped["committee_id"])), target_type="transaction", target_id=number, **facts
    )


def _refuse_if_lapsed(rt: Runtime, charge_txn: Transaction, today: str) -> None:
    """ChargeLapsed when a bucket of the charge has left the wallet (the lapse job removes expired
    buckets; a charge cancel is the only other remover, and its status says so) or is past its last
    day. A partly spent charge whose value is all still valid is charge_already_spent."""
    wallet = wallets.get(rt.db, str(charge_txn.wallet_id), consistent=True)
    held = {b.bucket_id: b for b in wallet.buckets} if wallet else {}
    for bucket_id in charge_txn.buckets:
        bucket = held.get(str(bucket_id))
        if bucket is None or bucket.expires_on < today:
            raise ChargeLapsed()


def cancel_charge(rt: Runtime, caller: Principal, number: str) -> Cancelled:
    _require(caller)
    charge_txn = transactions.get(rt.db, number, consistent=True)
    if charge_txn is None or charge_txn.txn_type not in PURCHASES or not caller.covers(Scope(charge_txn.committee_id)):
        raise TransactionNotFound()
    if charge_txn.status != TxnStatus.DONE:
        raise ledger.AlreadyCancelled()
    committee = rt.db.get(keys.committee(charge_txn.committee_id))
    assert committee is not None
    now = rt.clock.now()
    _refuse_if_lapsed(rt, charge_txn, jst_date(now))
    for _ in range(3):
        cancel_number = ids.transaction_number(now)
        cancel_txn = transactions.item(
            cancel_number,
            txn_type=TxnType.CHARGE_CANCEL,
            at=now,
            amount=charge_txn.amount,
            committee=committee,
            wallet_id=str(charge_txn.wallet_id),
            # The reversal copies what the charge recorded, as the charge wrote it.
            wallet_external_id=charge_txn.item.get("external_user_id"),
            buckets={k: int(v) for k, v in charge_txn.buckets.items()},
            breakdown=dict(charge_txn.item["breakdown"]),
            bucket_info=charge_txn.bucket_info,
            programme_id=charge_txn.item.get("programme_id"),
            programme_name=charge_txn.item.get("programme_name"),
            units=charge_txn.item.get("units"),
            original_number=number,
            operator_id=caller.user_id,
            operator_login=caller.login_id,
        )
        audit = _audit("charge_cancelled", charge_txn.item, number, cancel_number=cancel_number)
        # a lottery purchase gives its units back to the 当選 units of the round it consumed
        allocation = sale.cancel_allocation(rt, charge_txn.item)
        try:
            ledger.cancel_charge(
                rt.db, charge_txn=charge_txn.item, cancel_txn=cancel_txn, audit=audit, now=now, allocation=allocation
            )
        except ledger.NumberTaken:
            continue
        except ledger.ChargeAlreadySpent:
            _refuse_if_lapsed(rt, charge_txn, jst_date(now))  # a lapse that ran since the first look
            raise
        except ledger.Refused as refused:
            raise Conflict() from refused  # something else changed the charge since it was read
        return Cancelled(number=number, cancel_number=cancel_number, message="チャージを取り消しました。")
    raise Conflict()
