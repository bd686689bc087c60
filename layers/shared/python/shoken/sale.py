"""Selling by application (申込, issue 15.1-15.2): a programme's 申込期間 and units on sale, a wallet's
eligibility by matching the resident list, and one application per person.

Every rule that must hold under concurrency is a DynamoDB condition, not a read: one person is
eligible once (a put on the person's key that must not exist, or be this wallet's), one wallet is
eligible as one person, and one person has one application (its key is the person's hash).
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Mapping
from typing import Any, NamedTuple

from shoken import allocation, ids, privacy, residents
from shoken.clock import iso, jst_date
from shoken.db import audit as audit_items
from shoken.db import jobs, keys, programmes
from shoken.db import residents as resident_items
from shoken.db.dynamo import AwsBusy, ConditionFailed, Expr, Item, TransactionFailed, backoff
from shoken.db.ledger import SaleStep
from shoken.errors import (
    AllocationChanged,
    AlreadyApplied,
    AlreadyClosed,
    AlreadyDrawn,
    ApplicationsClosed,
    AppliedAtCounter,
    AppliedInApp,
    ClosedNoWindowChange,
    Conflict,
    DrawBeforeClose,
    DrawnNoWindowChange,
    DrawRunning,
    EligibilityTaken,
    EligibleInApp,
    InvalidRequest,
    NoApplication,
    NoSale,
    NotAWinner,
    NotAWinnerAskPerson,
    NotDrawn,
    NotDrawnToBuy,
    NotEligible,
    NotOnResidentList,
    OutsideApplicationWindow,
    OverAllocation,
    OverPurchaseLimit,
    PurchaseDeadlinePassed,
    PurchaseOpen,
    RemovedFromResidentList,
    ResidentListMissing,
    SecondRoundDrawn,
    SecondRoundStarted,
    ShokenError,
    WalletHoldsOther,
    WalletOfAnotherPerson,
    WonUnitsInOtherWallet,
)
from shoken.runtime import Runtime
from shoken.status import DrawState

PAPER = "paper"  # the channel of an application the committee keys in (no wallet)


def _new_or_same(expr: Expr, name: str, value: str) -> str:
    """The item must not exist yet, or already carry this value (so a retry or a change is allowed)."""
    return f"attribute_not_exists({expr.n('PK')}) OR {expr.n(name)} = {expr.v(value)}"


def settings(rt: Runtime, programme_id: str) -> Item | None:
    return rt.db.get(keys.sale_settings(programme_id), consistent=False)


def settings_item(
    programme_id: str,
    *,
    apply_start: str,
    apply_end: str,
    units_on_sale: int,
    now: str,
    purchase_end: str | None = None,
) -> Item:
    pk, sk = keys.sale_settings(programme_id)
    return {
        **({"purchase_end": purchase_end} if purchase_end else {}),
        "PK": pk,
        "SK": sk,
        "kind": "sale_settings",
        "programme_id": programme_id,
        "apply_start": apply_start,
        "apply_end": apply_end,
        "units_on_sale": units_on_sale,
        "updated_at": now,
    }


def save_window(
    rt: Runtime,
    programme_id: str,
    *,
    apply_start: str,
    apply_end: str,
    units_on_sale: int,
    purchase_end: str | None,
) -> None:
    """Create the sale or change its window (申込期間, units on sale, 購入期限): only these fields, and only
    while the sale is neither closed nor seeded for its draw, by the write's condition (a 締切 or a draw
    pressed since the form was read keeps its closed_at and draw fields; ClosedNoWindowChange /
    DrawnNoWindowChange). A new sale's counters start with it (start_counts)."""
    record = settings_item(
        programme_id,
        apply_start=apply_start,
        apply_end=apply_end,
        units_on_sale=units_on_sale,
        now=iso(rt.clock.now()),
        purchase_end=purchase_end,
    )
    expr = Expr()
    fields = {name: value for name, value in record.items() if name not in ("PK", "SK")}
    update = "SET " + ", ".join(f"{expr.n(name)} = {expr.v(value)}" for name, value in fields.items())
    if purchase_end is None:
        update += f" REMOVE {expr.n('purchase_end')}"
    try:
        before = rt.db.update(
            keys.sale_settings(programme_id),
            update,
            expr,
            condition=(
                f"attribute_not_exists({expr.n('PK')}) OR "
                f"(attribute_not_exists({expr.n('closed_at')}) AND attribute_not_exists({expr.n('draw_seed')}))"
            ),
            returns="ALL_OLD",
        )
    except ConditionFailed as failed:
        if (failed.item or {}).get("draw_seed"):
            raise DrawnNoWindowChange() from failed
        raise ClosedNoWindowChange() from failed
    if not before:  # the sale is new: nothing was counted before it existed
        start_counts(rt, programme_id)


def _open_sale(rt: Runtime, programme_id: str) -> tuple[Item, Item]:
    """The programme and its sale settings, if today is inside the 申込期間."""
    programme = programmes.get(rt.db, programme_id)
    sale = settings(rt, programme_id)
    if programme is None or sale is None:
        raise NoSale()
    today = jst_date(rt.clock.now())
    if sale.get("closed_at"):
        raise ApplicationsClosed()
    if not str(sale["apply_start"]) <= today <= str(sale["apply_end"]):
        raise OutsideApplicationWindow(start=sale["apply_start"], end=sale["apply_end"])
    return programme, sale


def _still_open(rt: Runtime, programme_id: str) -> dict[str, Any]:
    """A condition for an application's write: the sale not closed and no draw seeded. The window is read
    first, but 締切 or the draw can land between that read and the write; the draw's input must be the set
    of applications at the close, so a change after it must fail, not succeed late."""
    expr = Expr()
    return rt.db.tx_check(
        keys.sale_settings(programme_id),
        f"attribute_not_exists({expr.n('closed_at')}) AND attribute_not_exists({expr.n('draw_seed')})",
        expr,
    )


def person_hash(rt: Runtime, programme_id: str, resident_key: str, name_kana: str, birth_date: str) -> str:
    """The person's hash if they are on the programme's current list (FieldError for unusable input)."""
    who = residents.person(resident_key, name_kana, birth_date)
    matching_hash = residents.matching_hash(rt.resident_key, programme_id, who)
    listed, current = resident_items.is_listed(rt.db, programme_id, matching_hash)
    if current is None:
        raise ResidentListMissing()
    if not listed:
        raise NotOnResidentList()
    return matching_hash


def become_eligible(rt: Runtime, programme_id: str, wallet_id: str, matching_hash: str) -> None:
    """Bind the person to this wallet: once per person and once per wallet, by conditions (re-run safe)."""
    actions = eligibility_actions(rt, programme_id, wallet_id, matching_hash, channel="wallet")
    transact_refusing(rt, actions, {0: EligibilityTaken(), 1: WalletHoldsOther()})


def eligibility_actions(
    rt: Runtime, programme_id: str, wallet_id: str, matching_hash: str, *, channel: str
) -> list[dict[str, Any]]:
    """The two puts binding a person to a wallet (person → wallet, wallet → person), each new or the
    same binding again; tagged so that the retention run finds them (issue 23.3)."""
    now = iso(rt.clock.now())
    wallet_pk, wallet_sk = keys.wallet_eligibility(programme_id, wallet_id)
    wallet_expr = Expr()
    return [
        _person_eligibility(rt, programme_id, matching_hash, wallet_id=wallet_id, channel=channel, now=now),
        rt.db.tx_put(
            {
                "PK": wallet_pk,
                "SK": wallet_sk,
                "kind": "wallet_eligibility",
                "matching_hash": matching_hash,
                "at": now,
                **privacy.tag(programme_id, wallet_pk, wallet_sk),
            },
            condition=_new_or_same(wallet_expr, "matching_hash", matching_hash),
            expr=wallet_expr,
        ),
    ]


def _person_eligibility(
    rt: Runtime, programme_id: str, matching_hash: str, *, wallet_id: str, channel: str, now: str
) -> dict[str, Any]:
    """The put binding a person to a wallet (or to paper), new or the same binding again; tagged so that
    the retention run finds it (issue 23.3)."""
    person_pk, person_sk = keys.person_eligibility(programme_id, matching_hash)
    expr = Expr()
    return rt.db.tx_put(
        {
            "PK": person_pk,
            "SK": person_sk,
            "kind": "eligibility",
            "wallet_id": wallet_id,
            "channel": channel,
            "at": now,
            **privacy.tag(programme_id, person_pk, person_sk),
        },
        condition=_new_or_same(expr, "wallet_id", wallet_id),
        expr=expr,
    )


def wallet_person(rt: Runtime, programme_id: str, wallet_id: str) -> str | None:
    record = rt.db.get(keys.wallet_eligibility(programme_id, wallet_id))
    return str(record["matching_hash"]) if record else None


def _units(programme: Item, units: int) -> None:
    limit = int(programme["limit_units"])
    if units < 1 or units > limit:
        raise OverPurchaseLimit(limit=limit)


def _application(
    programme_id: str, matching_hash: str, *, units: int, channel: str, wallet_id: str | None, now: str
) -> Item:
    pk, sk = keys.application(programme_id, matching_hash)
    return {
        "PK": pk,
        "SK": sk,
        "kind": "application",
        "programme_id": programme_id,
        "units": units,
        "channel": channel,
        **({"wallet_id": wallet_id} if wallet_id else {}),
        "applied_at": now,
        "L1PK": keys.application_list(programme_id),
        "L1SK": matching_hash,
    }


def apply_in_wallet(rt: Runtime, programme_id: str, wallet_id: str, units: int) -> Item:
    """Apply, or change the units of this wallet's application, inside the window and the limit."""
    programme, _ = _open_sale(rt, programme_id)
    _units(programme, units)
    matching_hash = wallet_person(rt, programme_id, wallet_id)
    if matching_hash is None:
        raise NotEligible()
    if not resident_items.is_listed(rt.db, programme_id, matching_hash)[0]:
        raise RemovedFromResidentList()  # eligible once, and the list uploaded since has not this person
    record = _application(
        programme_id, matching_hash, units=units, channel="wallet", wallet_id=wallet_id, now=iso(rt.clock.now())
    )
    for attempt in range(WRITE_ATTEMPTS):  # a change of the same application at once: read it again
        current = application_of(rt, programme_id, matching_hash)
        if current is not None and current.get("wallet_id") != wallet_id:
            raise AppliedAtCounter()
        app_expr, elig_expr = Expr(), Expr()
        before = int(current["units"]) if current else 0
        try:
            rt.db.transact(
                [
                    rt.db.tx_put(record, condition=_as_read(app_expr, current), expr=app_expr),
                    rt.db.tx_check(
                        keys.person_eligibility(programme_id, matching_hash),
                        f"{elig_expr.n('wallet_id')} = {elig_expr.v(wallet_id)}",
                        elig_expr,
                    ),
                    _still_open(rt, programme_id),
                    _count(
                        rt, programme_id, matching_hash, applications=0 if current else 1, units_asked=units - before
                    ),
                ]
            )
            return record
        except TransactionFailed as failed:
            if failed.failed_at(2):
                raise ApplicationsClosed() from failed
            if failed.failed_at(1):
                raise NotEligible() from failed
            _again(failed, attempt, changed_at=0)
    raise Conflict()


def withdraw_in_wallet(rt: Runtime, programme_id: str, wallet_id: str) -> None:
    _open_sale(rt, programme_id)
    matching_hash = wallet_person(rt, programme_id, wallet_id)
    if matching_hash is None:
        raise NoApplication()
    for attempt in range(WRITE_ATTEMPTS):  # a change of the same application at once: read it again
        current = application_of(rt, programme_id, matching_hash)
        if current is None or current.get("wallet_id") != wallet_id:
            raise NoApplication()
        expr = Expr()
        try:
            rt.db.transact(
                [
                    rt.db.tx_delete(
                        keys.application(programme_id, matching_hash), condition=_as_read(expr, current), expr=expr
                    ),
                    _still_open(rt, programme_id),
                    _count(rt, programme_id, matching_hash, applications=-1, units_asked=-int(current["units"])),
                ]
            )
            return
        except TransactionFailed as failed:
            if failed.failed_at(1):
                raise ApplicationsClosed() from failed
            _again(failed, attempt, changed_at=0)
    raise Conflict()


def application_of(rt: Runtime, programme_id: str, matching_hash: str) -> Item | None:
    return rt.db.get(keys.application(programme_id, matching_hash))


def _as_read(expr: Expr, current: Item | None) -> str:
    """The application is still as read (absent, or with the same wallet and units): so the counters'
    change written with it is the change it makes."""
    if current is None:
        return f"attribute_not_exists({expr.n('PK')})"
    return (
        f"{expr.n('wallet_id')} = {expr.v(current['wallet_id'])} AND "
        f"{expr.n('units')} = {expr.v(int(current['units']))}"
    )


def _count(rt: Runtime, programme_id: str, matching_hash: str, **changes: int) -> dict[str, Any]:
    """The action adding `changes` to the person's shard of the sale's counters; every action counts once
    in `changes_seen`, so a rebuild can tell that nothing moved while it read the applications."""
    expr = Expr()
    adds = ", ".join(f"{expr.n(name)} {expr.v(change)}" for name, change in {**changes, "changes_seen": 1}.items())
    return rt.db.tx_update(keys.sale_count_shard(programme_id, matching_hash), f"ADD {adds}", expr)


WRITE_ATTEMPTS = 4  # an application write read again after a change, or tried again after a conflict


def _again(failed: TransactionFailed, attempt: int, *, changed_at: int | None = None) -> None:
    """Whether an application write cancelled for none of its refusals is tried again (returns) or not
    (raises): the application changed since it was read (the condition at `changed_at`: read it again), or
    another transaction wrote one of its items at that moment (a counter shard, the sale: a conflict, or
    throttled), tried again after a short wait and, at the last attempt, refused as busy (AwsBusy: 503,
    try again) rather than failed."""
    if changed_at is not None and failed.failed_at(changed_at):
        return
    if not failed.conflict:
        raise failed
    if attempt + 1 >= WRITE_ATTEMPTS:
        raise AwsBusy() from failed
    time.sleep(backoff(attempt + 1))


def transact_refusing(rt: Runtime, actions: list[dict[str, Any]], refusals: Mapping[int, Exception]) -> None:
    """A write safe to send again (each condition admits its own earlier write): refused with the first
    refusal, in `refusals`' order, whose condition failed; tried again after a conflict and, if it stays,
    refused as busy (AwsBusy: 503, try again), never failed."""
    for attempt in range(WRITE_ATTEMPTS):
        try:
            rt.db.transact(actions)
            return
        except TransactionFailed as failed:
            for position, refusal in refusals.items():
                if failed.failed_at(position):
                    raise refusal from failed
            _again(failed, attempt)


def apply_on_paper(rt: Runtime, programme_id: str, matching_hash: str, units: int) -> Item:
    """A paper application keyed in by the committee: the person's eligibility goes to paper, once."""
    programme, _ = _open_sale(rt, programme_id)
    _units(programme, units)
    now = iso(rt.clock.now())
    app_expr = Expr()
    record = _application(programme_id, matching_hash, units=units, channel=PAPER, wallet_id=None, now=now)
    actions = [
        _person_eligibility(rt, programme_id, matching_hash, wallet_id=PAPER, channel=PAPER, now=now),
        rt.db.tx_put(record, condition=f"attribute_not_exists({app_expr.n('PK')})", expr=app_expr),
        _still_open(rt, programme_id),
        _count(rt, programme_id, matching_hash, applications=1, units_asked=units),
    ]
    transact_refusing(rt, actions, {2: ApplicationsClosed(), 0: EligibleInApp(), 1: AlreadyApplied()})
    return record


def view(sale: Item | None) -> dict[str, Any] | None:
    if sale is None:
        return None
    return {k: sale.get(k) for k in ("apply_start", "apply_end", "units_on_sale", "purchase_end")}


# --- 抽選 (issue 15.3) ---------------------------------------------------------------------------------
def applications(rt: Runtime, programme_id: str) -> list[Item]:
    return list(rt.db.query_all(index="list1", pk_name="L1PK", pk=keys.application_list(programme_id)))


DRAW_JOB = "sale_draw"


def is_open(rt: Runtime, settings_record: Item) -> bool:
    today = jst_date(rt.clock.now())
    in_window = str(settings_record["apply_start"]) <= today <= str(settings_record["apply_end"])
    return in_window and not settings_record.get("closed_at")


def is_closed(rt: Runtime, settings_record: Item) -> bool:
    """Closed by the committee (締切), or the 申込期間 is over."""
    return bool(settings_record.get("closed_at")) or jst_date(rt.clock.now()) > str(settings_record["apply_end"])


def close(rt: Runtime, programme_id: str) -> Item:
    """締切: end the 申込期間 now (before its last day), once, before the draw."""
    expr = Expr()
    try:
        return rt.db.update(
            keys.sale_settings(programme_id),
            f"SET {expr.n('closed_at')} = {expr.v(iso(rt.clock.now()))}",
            expr,
            condition=(
                f"attribute_exists({expr.n('PK')}) AND attribute_not_exists({expr.n('closed_at')}) AND "
                f"attribute_not_exists({expr.n('draw_seed')})"
            ),
        )
    except ConditionFailed as failed:
        current = settings(rt, programme_id)
        if current is None:
            raise NoSale() from failed
        if current.get("draw_seed"):
            raise AlreadyDrawn() from failed
        raise AlreadyClosed() from failed


def start_draw(rt: Runtime, programme_id: str, rule: str, actor: dict[str, Any], owner: dict[str, Any]) -> Item:
    """Close and start the draw: the seed, its audit record and the job that computes the result are
    written in one transaction (a second start fails on the seed's condition); the draw itself runs in
    the job (finish_draw), off the request."""
    programme = programmes.get(rt.db, programme_id)
    settings_record = settings(rt, programme_id)
    if programme is None or settings_record is None:
        raise NoSale()
    if not is_closed(rt, settings_record):
        raise DrawBeforeClose(apply_end=settings_record["apply_end"])
    if settings_record.get("draw_state") == DrawState.DRAWN:
        raise AlreadyDrawn()
    if settings_record.get("draw_seed"):
        raise DrawRunning()
    chosen = allocation.Rule(rule)
    seed = secrets.token_hex(32)
    expr = Expr()
    sets = (
        f"SET {expr.n('draw_seed')} = {expr.v(seed)}, {expr.n('draw_rule')} = {expr.v(chosen.value)}, "
        f"{expr.n('draw_state')} = {expr.v(DrawState.DRAWING)}, {expr.n('draw_job')} = "
    )
    return _queue_draw(
        rt, programme, actor, owner, expr=expr, sets=sets,
        condition=f"attribute_exists({expr.n('PK')}) AND attribute_not_exists({expr.n('draw_seed')})",
        detail={"seed": seed, "rule": chosen.value, "units_on_sale": int(settings_record["units_on_sale"])},
        job_kind=DRAW_JOB, label="抽選", refused=AlreadyDrawn(),
    )  # fmt: skip


def _queue_draw(
    rt: Runtime,
    programme: Item,
    actor: dict[str, Any],
    owner: dict[str, Any],
    *,
    expr: Expr,
    sets: str,
    condition: str,
    detail: dict[str, Any],
    job_kind: str,
    label: str,
    refused: ShokenError,
) -> Item:
    """One draw (first or second round) queued: the seed claimed on the sale settings (`sets` ends at
    the job id's value), the seed's audit entry and the job, in one transaction, before any result
    exists (issue 15.3: the seed is in the audit log before the draw)."""
    programme_id = str(programme["programme_id"])
    committee_id = str(programme["committee_id"])
    job_id = ids.random_token(12)
    claim = rt.db.tx_update(keys.sale_settings(programme_id), sets + expr.v(job_id), expr, condition=condition)
    record = audit_items.item(
        at=rt.clock.now(),
        action="draw_seed",
        committee_id=committee_id,
        company_id=None,
        store_id=None,
        actor=actor,
        target_type="programme",
        target_id=programme_id,
        detail=detail,
        source_ip=None,
        user_agent=None,
    )
    job = _sale_job(rt, job_id, programme, owner, job_kind=job_kind, label=label)
    try:
        rt.db.transact([claim, rt.db.tx_put(record), rt.db.tx_put(job)])
    except TransactionFailed as failed:
        raise refused from failed
    return job


def _seeded(rt: Runtime, programme_id: str, seed_field: str) -> Item:
    """The sale settings of a draw that was queued (its seed claimed), for the job to finish."""
    settings_record = settings(rt, programme_id)
    if settings_record is None or not settings_record.get(seed_field):
        raise NoSale()
    return settings_record


def finish_draw(rt: Runtime, programme_id: str) -> Item:
    """Compute and store the result from the stored seed: a pure function of (applications, rule, seed),
    so a job that stopped half-way and runs again writes the same result; a finished draw is left as it is."""
    settings_record = _seeded(rt, programme_id, "draw_seed")
    if settings_record.get("draw_state") == DrawState.DRAWN:
        return settings_record
    apps = applications(rt, programme_id)
    won = allocation.allocate(
        {str(a["L1SK"]): int(a["units"]) for a in apps},
        int(settings_record["units_on_sale"]),
        allocation.Rule(str(settings_record["draw_rule"])),
        str(settings_record["draw_seed"]),
    )
    rt.db.batch_put({**a, "won_units": won[str(a["L1SK"])]} for a in apps)
    assign_references(rt, programme_id, [a for a in apps if won[str(a["L1SK"])]])
    counts = {
        "draw_state": DrawState.DRAWN.value,
        "drawn_at": iso(rt.clock.now()),
        "applicants": len(apps),
        "units_asked": sum(int(a["units"]) for a in apps),
        "winners": sum(1 for units in won.values() if units),
        "units_won": sum(won.values()),
    }
    expr = Expr()
    sets = ", ".join(f"{expr.n(name)} = {expr.v(value)}" for name, value in counts.items())
    return rt.db.update(keys.sale_settings(programme_id), f"SET {sets}", expr)


def assign_references(rt: Runtime, programme_id: str, winners: list[Item]) -> None:
    """Each wallet winner's 振込依頼人コード (shoken.deposits): written once, so a re-run job keeps them."""
    from shoken import deposits  # only the draw jobs and the console's export write codes

    for application in winners:
        deposits.assign(rt, programme_id, application)


NOTIFY_JOB = "sale_notify"


def _drawn(rt: Runtime, programme_id: str) -> tuple[Item, Item]:
    """The programme and its sale settings, for a step that needs the first draw done."""
    programme = programmes.get(rt.db, programme_id)
    settings_record = settings(rt, programme_id)
    if programme is None or settings_record is None:
        raise NoSale()
    if settings_record.get("draw_state") != DrawState.DRAWN:
        raise NotDrawn()
    return programme, settings_record


def start_notify(rt: Runtime, programme_id: str, owner: dict[str, Any]) -> Item:
    """Queue the results email (当選・落選) after the draw. Running it again is safe: each application's
    mail is sent once (the job's marker), so a second run sends only what was not sent or failed."""
    programme, _ = _drawn(rt, programme_id)
    job = _sale_job(rt, ids.random_token(12), programme, owner, job_kind=NOTIFY_JOB, label="抽選結果メール")
    jobs.create(rt.db, job)
    return job


def _sale_job(rt: Runtime, job_id: str, programme: Item, owner: dict[str, Any], *, job_kind: str, label: str) -> Item:
    """A job on the programme's sale, in the committee's scope and on the sale's job list."""
    committee_id = str(programme["committee_id"])
    return jobs.item(
        job_id,
        job_kind=job_kind,
        owner=owner | {"committee_id": committee_id, "company_id": None, "store_id": None},
        scope={"committee_id": committee_id},
        params={"programme_id": str(programme["programme_id"])},
        now=rt.clock.now(),
        label=f"{label} ({programme['name']})",
        shared_list=keys.sale_jobs(str(programme["programme_id"])),
    )


# --- 購入 (issue 15.5): 店頭チャージ consumes the 当選 units until the 購入期限 -------------------------------
def purchase_deadline(settings_record: Item, programme: Item) -> str:
    """The last JST day a winner may buy: the sale's 購入期限, or the programme's sale end if none is set."""
    return str(settings_record.get("purchase_end") or programme["sale_end"])


class Allocation(NamedTuple):
    """The action consuming a buyer's 当選 units and the refusal its condition means (for the charge's
    transaction), the counters it moves (販売状況, unconditioned), what its チャージ取消 gives back:
    the person's hash and the round (1 or 2), and the checks on the sale it is written with."""

    action: dict[str, Any]
    refusal: type[Exception]
    counted: list[dict[str, Any]]
    person: str
    round: int
    checks: tuple[tuple[dict[str, Any], type[Exception]], ...] = ()

    @property
    def step(self) -> SaleStep:
        """What the charge's transaction writes of it (ledger.charge)."""
        return SaleStep(self.action, self.refusal, self.counted, self.checks)


def purchase_fields(programme_id: str, number: str, person: str, round_no: int) -> dict[str, Any]:
    """What a lottery purchase's charge records of its buyer: the person (the resident-list hash) and
    round whose units its チャージ取消 gives back, and the privacy tag, so that the retention run removes
    the person from the transaction, which stays (privacy.PURCHASE_PERSON)."""
    return {
        "sale_person": person,
        "sale_round": round_no,
        **privacy.tag(programme_id, *keys.transaction(number)),
    }


def counter_allocation(
    rt: Runtime, programme: Item, wallet_id: str, units: int, person: str | None = None
) -> Allocation | None:
    """For a programme sold by application, the action that consumes `units` of the buyer's 当選 units
    (None for a programme sold over the counter to anyone). The buyer is the person the wallet is
    eligible as; or, for a wallet eligible as nobody, `person`: the one the clerk identified at the
    counter (resident fields matched against the list, or the card issued from it), whose application
    must be a paper one. Refused here, with the reason, before the draw, for a wallet or person that did
    not win, past the deadline or beyond what is left; the action's condition (units won unchanged,
    enough left, not lapsed, a paper winner's units bought into one wallet) holds the same under a race."""
    programme_id = str(programme["programme_id"])
    settings_record = settings(rt, programme_id)
    if settings_record is None:
        return None
    if settings_record.get("draw_state") != DrawState.DRAWN:
        raise NotDrawnToBuy()
    bound = wallet_person(rt, programme_id, wallet_id)
    if bound and person and bound != person:
        raise WalletOfAnotherPerson()
    matching_hash = bound or person
    application = application_of(rt, programme_id, matching_hash) if matching_hash else None
    if application is None or matching_hash is None:
        if person is None:
            raise NotAWinnerAskPerson()
        raise NotAWinner()
    paper = None if bound else wallet_id  # a paper winner's units go into the first wallet charged, only
    if paper and application.get("channel") != PAPER:
        raise AppliedInApp()
    if paper and application.get("buyer_wallet_id", paper) != paper:
        raise WonUnitsInOtherWallet()
    due = payable(settings_record, programme, application, jst_date(rt.clock.now()))
    if due.round:
        step = _consume(rt, programme_id, matching_hash, application, *ROUNDS[due.round], units, paper)
        return Allocation(step.action, step.refusal, step.counted, matching_hash, due.round, step.checks)
    if due.reason == "second_round_started":
        raise SecondRoundStarted()
    if due.reason == "not_won":
        raise NotAWinner()
    raise PurchaseDeadlinePassed(deadline=due.deadline)


# A round's (units won, units bought) on the application.
ROUNDS = {1: ("won_units", "purchased_units"), 2: ("won2_units", "purchased2_units")}


class Payable(NamedTuple):
    """Which round's units won an application may pay for on a day: `round` 1 or 2, or 0 with `reason`
    ("not_won", "after_deadline" or "second_round_started") and the last day of the round it is about."""

    round: int
    reason: str
    deadline: str


def payable(settings_record: Item, programme: Item, application: Item, day: str) -> Payable:
    """Round 1 until its 購入期限 unless the winner lapsed or the second round was seeded with what round 1
    left unbought; round 2 until its own end. The counter, the deposit import and the wallet's 振込金額
    all follow it, so the wallet asks for a transfer only while one would be credited."""
    won, won2 = int(application.get("won_units", 0)), int(application.get("won2_units", 0))
    deadline = purchase_deadline(settings_record, programme)
    round2_end = str(settings_record.get("round2_purchase_end") or "")
    if won and day <= deadline and not application.get("lapsed"):
        seeded = bool(settings_record.get("round2_seed"))
        return Payable(0, "second_round_started", deadline) if seeded else Payable(1, "", deadline)
    if won2 and settings_record.get("round2_state") == DrawState.DRAWN and day <= round2_end:
        return Payable(2, "", round2_end)
    if not won and not won2:
        return Payable(0, "not_won", "")
    return Payable(0, "after_deadline", round2_end if won2 else deadline)


def _consume(
    rt: Runtime,
    programme_id: str,
    matching_hash: str,
    application: Item,
    won_name: str,
    bought_name: str,
    units: int,
    paper_wallet: str | None = None,
) -> SaleStep:
    """The action buying `units` of one round's 当選 units, conditioned on what was read, with the
    counters it moves; for a paper winner, into `paper_wallet` only (the first wallet charged with his
    units). A first-round purchase is also checked against the second round's start (_before_round2)."""
    won, bought = int(application.get(won_name, 0)), int(application.get(bought_name, 0))
    if units > won - bought:
        raise OverAllocation(won=won, left=won - bought)
    expr = Expr()
    first_round = won_name == "won_units"
    not_lapsed = f" AND attribute_not_exists({expr.n('lapsed')})" if first_round else ""
    buyer_set, buyer_same = "", ""
    if paper_wallet:
        buyer_set = f", {expr.n('buyer_wallet_id')} = {expr.v(paper_wallet)}"
        buyer_same = (
            f" AND (attribute_not_exists({expr.n('buyer_wallet_id')}) OR "
            f"{expr.n('buyer_wallet_id')} = {expr.v(paper_wallet)})"
        )
    action = rt.db.tx_update(
        keys.application(programme_id, matching_hash),
        f"SET {expr.n(bought_name)} = {expr.v(bought + units)}, "
        f"{expr.n('purchased_at')} = {expr.v(iso(rt.clock.now()))}{buyer_set}",
        expr,
        condition=(
            f"{expr.n(won_name)} = {expr.v(won)}{not_lapsed} AND "
            f"(attribute_not_exists({expr.n(bought_name)}) OR {expr.n(bought_name)} = {expr.v(bought)}){buyer_same}"
        ),
    )
    if not first_round:
        return SaleStep(action, AllocationChanged, [])
    counted = [_count(rt, programme_id, matching_hash, units_paid=units)]  # 販売状況 counts round 1
    return SaleStep(action, AllocationChanged, counted, _before_round2(rt, programme_id))


def _before_round2(rt: Runtime, programme_id: str) -> tuple[tuple[dict[str, Any], type[Exception]], ...]:
    """The check a first-round purchase or its cancel is written with: the second round not started (its
    seed not set). The second round lapses what the first left unbought as the job reads it, so a first-
    round change landing after the seed would be overwritten, or its units sold twice."""
    expr = Expr()
    check = rt.db.tx_check(keys.sale_settings(programme_id), f"attribute_not_exists({expr.n('round2_seed')})", expr)
    return ((check, SecondRoundStarted),)


def cancel_allocation(rt: Runtime, charge_txn: Item) -> SaleStep | None:
    """For the チャージ取消 of a lottery purchase, the action giving its units back to the round of the
    application it consumed (None for a programme sold to anyone, or an application no longer kept).
    A charge records its person and round; one made before they were recorded is the purchase of the
    wallet's own person, and of round 2 if made once the second round was drawn (a first-round purchase
    is refused from the 購入期限 on, and the second round is drawn only after it), or for a bank
    transfer if its deposit day is past the 購入期限. A first-round purchase is not cancelled once the
    second round has started (SecondRoundStarted): its pool is the first round's unbought units."""
    programme_id = str(charge_txn.get("programme_id") or "")
    settings_record = settings(rt, programme_id) if programme_id else None
    if settings_record is None or not charge_txn.get("units"):
        return None
    person = charge_txn.get("sale_person") or wallet_person(rt, programme_id, str(charge_txn["wallet_id"]))
    application = application_of(rt, programme_id, str(person)) if person else None
    if application is None:
        return None
    round_no = int(charge_txn.get("sale_round") or 0)
    programme = programmes.get(rt.db, programme_id)
    if not round_no and charge_txn.get("deposit_date") and programme is not None:  # a bank transfer's, by its day
        round_no = 1 if str(charge_txn["deposit_date"]) <= purchase_deadline(settings_record, programme) else 2
    if not round_no:
        drawn2 = str(settings_record.get("round2_drawn_at") or "")
        round_no = 2 if drawn2 and str(charge_txn["occurred_at"]) >= drawn2 else 1
    if round_no == 1 and settings_record.get("round2_seed"):
        raise SecondRoundStarted()
    bought_name = ROUNDS[round_no][1]
    other_name = ROUNDS[3 - round_no][1]
    units = int(charge_txn["units"])
    bought, other = int(application.get(bought_name, 0)), int(application.get(other_name, 0))
    if bought < units:
        return None  # not counted on this round: nothing of it to give back
    expr = Expr()
    update = f"SET {expr.n(bought_name)} = {expr.v(bought - units)}"
    condition = f"{expr.n(bought_name)} = {expr.v(bought)}"
    if application.get("buyer_wallet_id") and bought == units and not other:
        # nothing of a paper winner's left bought: the clerk may charge the right wallet now
        update += f" REMOVE {expr.n('buyer_wallet_id')}"
        condition += f" AND (attribute_not_exists({expr.n(other_name)}) OR {expr.n(other_name)} = {expr.v(0)})"
    action = rt.db.tx_update(keys.application(programme_id, str(person)), update, expr, condition=condition)
    if round_no == 2:
        return SaleStep(action, AllocationChanged, [])
    counted = [_count(rt, programme_id, str(person), units_paid=-units)]  # as _consume counted it, and checked as it is
    return SaleStep(action, AllocationChanged, counted, _before_round2(rt, programme_id))


# --- 販売状況 (issue 15.7) --------------------------------------------------------------------------------
COUNTED = ("applications", "units_asked", "units_paid")


def counts(rt: Runtime, programme_id: str, settings_record: Item) -> dict[str, int]:
    """The figures of the console's sale screen, in one read of the counters: people eligible (the list's
    count), applications and units asked against the units on sale (the counters every application write
    keeps in its own transaction, on the person's shard), and after the draw winners and units won (the
    draw's result) and units bought (paid, counted by each purchase) and not yet bought."""
    listed = resident_items.current(rt.db, programme_id)
    found = rt.db.batch_get([keys.sale_counts(programme_id), *keys.sale_count_shards(programme_id)])
    head = found.get(keys.sale_counts(programme_id)) or {}
    counters = _summed(found, programme_id) if head.get("since") else rebuild_counts(rt, programme_id)
    drawn = settings_record.get("draw_state") == DrawState.DRAWN
    won = int(settings_record.get("units_won", 0)) if drawn else 0
    paid = int(counters.get("units_paid", 0))
    return {
        "eligible": int(listed["count"]) if listed else 0,
        "applications": int(counters.get("applications", 0)),
        "units_asked": int(counters.get("units_asked", 0)),
        "units_on_sale": int(settings_record["units_on_sale"]),
        "winners": int(settings_record.get("winners", 0)) if drawn else 0,
        "units_won": won,
        "units_paid": paid,
        "units_unpaid": max(won - paid, 0),
    }


def _summed(found: dict[keys.Key, Item], programme_id: str, *, shards_only: bool = False) -> dict[str, int]:
    """The counters: the head's (a sale's counts from before the shards) plus every shard's."""
    parts = keys.sale_count_shards(programme_id) + ([] if shards_only else [keys.sale_counts(programme_id)])
    return {name: sum(int((found.get(key) or {}).get(name, 0)) for key in parts) for name in COUNTED}


def counts_item(programme_id: str, now: str) -> Item:
    """The head of a new sale's counters: exact from its creation (nothing applied before the sale existed),
    so its screen never needs the rebuild, which reads the list index (eventually consistent)."""
    pk, sk = keys.sale_counts(programme_id)
    return {"PK": pk, "SK": sk, "kind": "sale_counts", "since": now, **dict.fromkeys(COUNTED, 0)}


def start_counts(rt: Runtime, programme_id: str) -> None:
    """Write a new sale's counters head (counts_item), unless one exists: it is never written over."""
    expr = Expr()
    with contextlib.suppress(ConditionFailed):  # a head exists only for a sale that counted before: kept
        rt.db.put(
            counts_item(programme_id, iso(rt.clock.now())),
            condition=f"attribute_not_exists({expr.n('PK')})",
            expr=expr,
        )


def rebuild_counts(rt: Runtime, programme_id: str) -> dict[str, int]:
    """Counters for a sale from before they were kept (or never looked at yet): the head set to what the
    applications sum to less what the shards hold, written only if no application write counted in the
    meantime on the head or on any shard (read again if one did), so the counters are exact from then on."""
    head_key, shard_keys = keys.sale_counts(programme_id), keys.sale_count_shards(programme_id)
    for _ in range(5):
        found = rt.db.batch_get([head_key, *shard_keys])
        apps = applications(rt, programme_id)
        total = {
            "applications": len(apps),
            "units_asked": sum(int(a["units"]) for a in apps),
            "units_paid": sum(int(a.get("purchased_units", 0)) for a in apps),
        }
        sharded = _summed(found, programme_id, shards_only=True)
        expr = Expr()
        sets = ", ".join(
            f"{expr.n(name)} = {expr.v(value)}"
            for name, value in {
                **{name: total[name] - sharded[name] for name in COUNTED},
                "kind": "sale_counts",
                "since": iso(rt.clock.now()),
            }.items()
        )
        actions = [rt.db.tx_update(head_key, f"SET {sets}", expr, condition=_unmoved(expr, found.get(head_key)))]
        for key in shard_keys:
            check = Expr()
            actions.append(rt.db.tx_check(key, _unmoved(check, found.get(key)), check))
        try:
            rt.db.transact(actions)
        except TransactionFailed as failed:
            if failed.conflict or any(failed.failed_at(i) for i in range(len(actions))):
                continue  # an application or a purchase was counted while the list was read
            raise
        return total
    raise Conflict()


def _unmoved(expr: Expr, counter: Item | None) -> str:
    """A counter item still as read: its count of changes the same (or still none)."""
    if counter is None or "changes_seen" not in counter:
        return f"attribute_not_exists({expr.n('changes_seen')})"
    return f"{expr.n('changes_seen')} = {expr.v(int(counter['changes_seen']))}"


# --- 二次抽選 (issue 15.6) ---------------------------------------------------------------------------------
ROUND2_JOB = "sale_round2"


def start_second_round(
    rt: Runtime, programme_id: str, purchase_end: str, actor: dict[str, Any], owner: dict[str, Any]
) -> Item:
    """After the 購入期限: the unbought 当選 units lapse and are drawn again among the applicants not fully
    served, by the first draw's rule and a new seed (stored and audited here, before the job computes)."""
    programme, settings_record = _drawn(rt, programme_id)
    deadline = purchase_deadline(settings_record, programme)
    today = jst_date(rt.clock.now())
    if today <= deadline:
        raise PurchaseOpen(deadline=deadline)
    if settings_record.get("round2_seed"):
        raise SecondRoundDrawn()
    last_day = str(programme["sale_end"])
    if not today <= purchase_end <= last_day:
        raise InvalidRequest(
            details=[
                {
                    "field": "purchase_end",
                    "reason": "order",
                    "reason_ja": f"二次抽選の購入期限は、今日から販売終了日 ({last_day}) までの日付にしてください。",
                }
            ]
        )
    rule = str(settings_record["draw_rule"])
    seed = secrets.token_hex(32)
    expr = Expr()
    sets = (
        f"SET {expr.n('round2_seed')} = {expr.v(seed)}, {expr.n('round2_state')} = {expr.v(DrawState.DRAWING)}, "
        f"{expr.n('round2_purchase_end')} = {expr.v(purchase_end)}, {expr.n('round2_job')} = "
    )
    drawn = f"{expr.n('draw_state')} = {expr.v(DrawState.DRAWN)}"
    return _queue_draw(
        rt, programme, actor, owner, expr=expr, sets=sets,
        condition=f"attribute_not_exists({expr.n('round2_seed')}) AND {drawn}",
        detail={"seed": seed, "rule": rule, "round": 2},
        job_kind=ROUND2_JOB, label="二次抽選", refused=SecondRoundDrawn(),
    )  # fmt: skip


def second_round_input(apps: list[Item]) -> tuple[dict[str, int], dict[str, int]]:
    """(units lapsing by applicant, units still wanted by the applicants not fully served): a pure
    function of the stored first round, so a re-run of the job computes the same."""
    lapsing = {
        str(a["L1SK"]): int(a.get("won_units", 0)) - int(a.get("purchased_units", 0))
        for a in apps
        if int(a.get("won_units", 0)) > int(a.get("purchased_units", 0))
    }
    wanting = {
        str(a["L1SK"]): int(a["units"]) - int(a.get("won_units", 0))
        for a in apps
        if str(a["L1SK"]) not in lapsing and int(a["units"]) > int(a.get("won_units", 0))
    }
    return lapsing, wanting


ROUND2_FIELDS = ("lapsed", "lapsed_units", "won2_units")  # what the second round writes on an application
ROUND2_ATTEMPTS = 3


def finish_second_round(rt: Runtime, programme_id: str) -> Item:
    """Compute and store the second round from its stored seed: a pure function of the stored first round
    (units won and bought), so a job run again writes the same result. Each application gets only its
    second-round fields, conditioned on its first round being as read: the list index may lag behind a
    purchase or a cancel made before the seed was set, and one found changed is read again and the whole
    round decided again (its pool changed), never left out nor written over."""
    settings_record = _seeded(rt, programme_id, "round2_seed")
    if settings_record.get("round2_state") == DrawState.DRAWN:
        return settings_record
    rule, seed = allocation.Rule(str(settings_record["draw_rule"])), str(settings_record["round2_seed"])
    apps = {str(a["L1SK"]): a for a in applications(rt, programme_id)}
    written: dict[str, dict[str, Any]] = {}  # what this run wrote on each application
    for _ in range(ROUND2_ATTEMPTS):
        lapsing, wanting = second_round_input(list(apps.values()))
        pool = sum(lapsing.values())
        won2 = allocation.allocate(wanting, pool, rule, seed)
        moved = []
        for h, application in apps.items():
            decision = _round2_decision(h, lapsing, won2)
            if h in written and written[h] == decision:
                continue
            if not decision and h not in written and not any(name in application for name in ROUND2_FIELDS):
                continue  # nothing to write, nothing to undo
            if _write_round2(rt, programme_id, application, decision):
                written[h] = decision
            else:
                moved.append(h)
        if not moved:
            break
        for h in moved:  # its first round is not as read: decide again from it as it is
            fresh = application_of(rt, programme_id, h)
            if fresh is None:
                del apps[h]
            else:
                apps[h] = fresh
    else:
        raise Conflict()
    assign_references(rt, programme_id, [a for h, a in apps.items() if won2.get(h)])
    counts = {
        "round2_state": DrawState.DRAWN.value,
        "round2_drawn_at": iso(rt.clock.now()),
        "round2_pool": pool,
        "round2_applicants": len(wanting),
        "round2_winners": sum(1 for units in won2.values() if units),
        "round2_units_won": sum(won2.values()),
    }
    expr = Expr()
    sets = ", ".join(f"{expr.n(name)} = {expr.v(value)}" for name, value in counts.items())
    return rt.db.update(keys.sale_settings(programme_id), f"SET {sets}", expr)


def _round2_decision(matching_hash: str, lapsing: dict[str, int], won2: dict[str, int]) -> dict[str, Any]:
    """An application's second-round fields: lapsed with its unbought units, or the units it won again."""
    if matching_hash in lapsing:
        return {"lapsed": True, "lapsed_units": lapsing[matching_hash]}
    if matching_hash in won2:
        return {"won2_units": won2[matching_hash]}
    return {}


def _write_round2(rt: Runtime, programme_id: str, application: Item, decision: dict[str, Any]) -> bool:
    """Set the application's second-round fields (and remove the others of them), only while its units won
    and bought are as read; False when they are not (or it is gone)."""
    expr = Expr()
    sets = ", ".join(f"{expr.n(name)} = {expr.v(value)}" for name, value in decision.items())
    removed = ", ".join(expr.n(name) for name in ROUND2_FIELDS if name not in decision)
    update = " ".join(part for part in (f"SET {sets}" if sets else "", f"REMOVE {removed}" if removed else "") if part)
    as_read = " AND ".join(_same_count(expr, application, name) for name in ROUNDS[1])
    try:
        rt.db.update(
            keys.application(programme_id, str(application["L1SK"])),
            update,
            expr,
            condition=f"attribute_exists({expr.n('PK')}) AND {as_read}",
            returns="NONE",
        )
    except ConditionFailed:
        return False
    return True


def _same_count(expr: Expr, application: Item, name: str) -> str:
    """The count `name` is as read on `application` (an absent one reads as 0)."""
    value = int(application.get(name, 0))
    same = f"{expr.n(name)} = {expr.v(value)}"
    return f"(attribute_not_exists({expr.n(name)}) OR {same})" if value == 0 else same
